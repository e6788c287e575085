//! The entity's logo: stored in the database, checked to be a PNG, and drawn on the header of
//! every PDF page (checked with poppler's `pdfimages -list`).

use std::process::Command;

use chrono::{DateTime, Utc};
use mesa_core::clock::parse_time_input;
use mesa_core::reports::documents::ReportPdfOptions;
use mesa_core::reports::Period;

fn at(s: &str) -> DateTime<Utc> {
    parse_time_input("prueba", s).unwrap()
}

/// A 40×20 RGBA PNG: a blue square and a transparent half.
fn png_logo() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 40, 20);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        let mut px = Vec::new();
        for _y in 0..20 {
            for x in 0..40 {
                px.extend(if x < 20 {
                    [11, 92, 173, 255]
                } else {
                    [0, 0, 0, 0]
                });
            }
        }
        w.write_image_data(&px).unwrap();
    }
    out
}

fn images_in(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = Command::new("pdfimages")
        .arg("-list")
        .arg(&p)
        .output()
        .expect("pdfimages (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .map(str::to_string)
        .collect()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs pdfimages and pdfinfo (poppler-utils), Linux programs not available under Wine; runs in the Linux suite"
)]
fn logo_is_stored_validated_and_drawn_on_every_page() {
    let mut s = crate::support::store();
    let now = at("2026-04-01T10:00");
    let period = Period::parse("2026-03-01", "2026-03-31").unwrap();
    let without = s
        .helpdesk_report_pdf(period, ReportPdfOptions::default(), "Luis", now)
        .unwrap();
    assert!(
        images_in(&without).is_empty(),
        "no logo configured, no image"
    );

    let bad = s.set_entity_logo(Some(b"no soy un png")).unwrap_err();
    assert_eq!(bad.code(), "validation");
    assert!(bad.to_string().contains("logo"), "{bad}");
    assert_eq!(s.entity_logo().unwrap(), None, "a bad file changes nothing");

    let logo = png_logo();
    s.set_entity_logo(Some(&logo)).unwrap();
    assert_eq!(s.entity_logo().unwrap(), Some(logo));
    let with = s
        .helpdesk_report_pdf(period, ReportPdfOptions::default(), "Luis", now)
        .unwrap();
    let pages = {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.pdf");
        std::fs::write(&p, &with).unwrap();
        let info = Command::new("pdfinfo").arg(&p).output().unwrap();
        String::from_utf8_lossy(&info.stdout)
            .lines()
            .find_map(|l| {
                l.strip_prefix("Pages:")
                    .map(|n| n.trim().parse::<usize>().unwrap())
            })
            .unwrap()
    };
    let imgs = images_in(&with);
    assert_eq!(imgs.len(), pages, "one logo per page: {imgs:?}");
    assert!(
        imgs[0].contains(" 40 ") && imgs[0].contains(" 20 "),
        "{}",
        imgs[0]
    );

    s.set_entity_logo(None).unwrap();
    assert_eq!(s.entity_logo().unwrap(), None);
}

#[test]
fn logo_preview_is_a_png_data_url_of_the_stored_logo() {
    use base64::Engine;
    let mut s = crate::support::store();
    assert_eq!(s.entity_logo_data_url().unwrap(), None);
    let logo = png_logo();
    s.set_entity_logo(Some(&logo)).unwrap();
    let url = s.entity_logo_data_url().unwrap().unwrap();
    let b64 = url.strip_prefix("data:image/png;base64,").unwrap();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
        logo
    );
    s.set_entity_logo(None).unwrap();
    assert_eq!(s.entity_logo_data_url().unwrap(), None);
}
