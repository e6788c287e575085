//! Mesa de Ayuda TI — desktop shell. Only wiring: thin commands that convert DTOs and call
//! `mesa_core`. No SQL here and none in the UI.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use tauri::Manager;

mod change_watcher;
mod commands;
mod files;
mod mail_connect;
mod mail_worker;
mod state;

pub(crate) use state::{api, AppState, CmdResult, Phase};

fn main() {
    tauri::Builder::default()
        // Must be first: a second launch focuses the running window instead.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state::initial_state())
        .manage(mail_worker::MailWorker::default())
        .manage(mail_connect::MailConnector::default())
        .setup(|app| {
            let handle = app.handle().clone();
            if let Some(w) = app.get_webview_window("main") {
                let info = &app.state::<AppState>().info;
                let _ = w.set_title(&format!("Mesa de Ayuda TI — {}", info.data_dir));
            }
            // Open the store while the window loads; then, once the first screen has had its
            // data, the long jobs: the daily verified backup, and the survey auto-close sweep
            // every five minutes (the window also sweeps once at start, with a notice).
            // The mail collector, on its own thread and store: a first check as soon as the
            // store is checked (when an account is configured), then every N minutes.
            let mail = app.handle().clone();
            std::thread::spawn(move || {
                mail.state::<mail_worker::MailWorker>().run_forever(&mail);
            });
            // Other workstations' changes (PostgreSQL only): `datos-cambiados` to the window.
            let changes = app.handle().clone();
            std::thread::spawn(move || change_watcher::run_forever(&changes));
            std::thread::spawn(move || {
                let state = handle.state::<AppState>();
                state.start();
                std::thread::sleep(state::JOBS_AFTER_START);
                let _ = state.with_now(|s, now| s.ensure_daily_backup(now));
                loop {
                    let _ = state.with_now(|s, now| s.autoclose(now));
                    std::thread::sleep(std::time::Duration::from_secs(300));
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::tickets::app_info,
            commands::people::session_info,
            commands::people::login,
            commands::people::login_first_password,
            commands::people::logout,
            commands::people::password_change,
            commands::people::account_list,
            commands::people::account_create,
            commands::people::account_from_staff,
            commands::people::account_update,
            commands::people::account_set_active,
            commands::people::account_reset_password,
            commands::people::access_log,
            commands::people::permission_matrix,
            commands::tickets::ticket_create,
            commands::tickets::ticket_list,
            commands::tickets::ticket_get,
            commands::tickets::ticket_action,
            commands::tickets::ticket_edit,
            commands::tickets::ticket_follow_up,
            commands::tickets::dashboard,
            commands::tickets::catalogs,
            commands::tickets::survey_mailto,
            commands::tickets::autoclose,
            commands::attachments::attachment_list,
            commands::attachments::attachment_add_path,
            commands::attachments::attachment_pick,
            commands::attachments::attachment_open,
            commands::attachments::attachment_save_copy,
            commands::attachments::attachment_remove,
            commands::attachments::asset_set_photo,
            commands::attachments::attachment_max_mb,
            commands::attachments::attachment_set_max_mb,
            commands::agenda::visit_schedule,
            commands::agenda::visit_cancel,
            commands::agenda::agenda,
            commands::agenda::visit_ics_save,
            commands::plans::improvement_catalog,
            commands::plans::improvement_findings,
            commands::plans::improvement_finding,
            commands::plans::improvement_finding_create,
            commands::plans::improvement_finding_update,
            commands::plans::improvement_finding_delete,
            commands::plans::improvement_action_add,
            commands::plans::improvement_action_update,
            commands::plans::improvement_action_delete,
            commands::plans::improvement_follow_up_add,
            commands::plans::improvement_action_verify,
            commands::plans::improvement_due,
            commands::plans::improvement_export,
            commands::mail_inbox::mail_inbox,
            commands::mail_inbox::mail_detail,
            commands::mail_inbox::mail_draft,
            commands::mail_inbox::mail_register,
            commands::mail_inbox::mail_discard,
            commands::mail_inbox::mail_survey,
            commands::mail_inbox::mail_attachment_save,
            commands::mail_inbox::mail_import_files,
            commands::links::link_kinds,
            commands::links::ticket_link,
            commands::links::ticket_unlink,
            commands::links::ticket_resolve_with_children,
            commands::risks::risk_scales,
            commands::risks::risk_map,
            commands::risks::risk_get,
            commands::risks::risk_create,
            commands::risks::risk_update,
            commands::risks::risk_delete,
            commands::risks::risk_control_add,
            commands::risks::risk_control_update,
            commands::risks::risk_control_delete,
            commands::risks::risk_map_export,
            commands::management::management_report_periods,
            commands::management::management_report,
            commands::management::management_report_save,
            commands::management::management_report_export,
            commands::safety::safety_status,
            commands::safety::backup_list,
            commands::safety::backup_create,
            commands::safety::backup_verify,
            commands::safety::backup_restore,
            commands::safety::restore_latest_backup,
            commands::safety::audit_list,
            commands::safety::audit_history,
            commands::safety::audit_export,
            commands::safety::person_search,
            commands::safety::person_export,
            commands::safety::person_anonymize,
            commands::server::server_status,
            commands::server::server_unreachable,
            commands::server::server_retry,
            commands::server::server_preview,
            commands::server::server_move,
            commands::server::server_use_local,
            commands::settings::settings_get,
            commands::settings::settings_set,
            commands::settings::calendar_get,
            commands::settings::calendar_set,
            commands::settings::holidays,
            commands::settings::staff_upsert,
            commands::settings::service_type_upsert,
            commands::settings::department_add,
            commands::settings::department_set_active,
            commands::settings::priority_matrix,
            commands::settings::priority_set,
            commands::settings::survey_questions_set,
            commands::settings::level_targets_get,
            commands::settings::level_target_set,
            commands::settings::level_target_remove,
            commands::settings::logo_set,
            commands::settings::logo_present,
            commands::settings::logo_pick,
            commands::settings::logo_image,
            commands::assets::asset_list,
            commands::assets::asset_record,
            commands::assets::asset_create,
            commands::assets::asset_update,
            commands::assets::asset_move,
            commands::assets::asset_event,
            commands::assets::asset_attach,
            commands::assets::asset_detach,
            commands::assets::decommission_create,
            commands::assets::decommission_approve,
            commands::assets::plan_years,
            commands::assets::plan_create,
            commands::assets::plan_item_add,
            commands::assets::cronograma,
            commands::assets::log_create,
            commands::assets::log_list,
            commands::assets::log_verify,
            commands::assets::maintenance_due,
            commands::assets::export_document,
            commands::reports::report_preview,
            commands::reports::report_save,
            commands::reports::report_export,
            commands::reports::cases_export,
            commands::import::import_pick_file,
            commands::import::import_preview,
            commands::import::import_commit,
            commands::import::import_cancel,
            commands::import::import_batches,
            commands::import::import_undo,
            commands::import::import_export_problems,
            commands::import::import_mapping_save,
            commands::import::import_mapping_load,
            commands::setup::setup_status,
            commands::setup::setup_complete,
            commands::setup::staff_rename,
            commands::setup::demo_load,
            commands::setup::demo_clear,
            commands::indicators::indicator_options_get,
            commands::indicators::indicator_overview,
            commands::indicators::indicator_sheet,
            commands::indicators::indicator_values,
            commands::indicators::indicator_update,
            commands::indicators::indicator_create,
            commands::indicators::indicator_value_set,
            commands::indicators::indicator_analysis_set,
            commands::indicators::indicator_finding_draft,
            commands::indicators::indicator_finding_open,
            commands::indicators::indicator_suggestion_dismiss,
            commands::mail_settings::mail_account_get,
            commands::mail_settings::mail_account_set,
            commands::mail_settings::mail_oauth_get,
            commands::mail_settings::mail_oauth_connect,
            commands::mail_settings::mail_oauth_cancel,
            commands::mail_settings::mail_oauth_status,
            commands::mail_settings::mail_test,
            commands::mail_settings::mail_templates,
            commands::mail_settings::mail_template_set,
            commands::mail_settings::mail_placeholders,
            commands::mail_settings::mail_outbox,
            commands::mail_settings::mail_outbox_retry,
            commands::mail_settings::mail_status,
            commands::mail_settings::mail_check_now,
        ])
        .run(tauri::generate_context!())
        .expect("no se pudo iniciar Mesa de Ayuda TI");
}
