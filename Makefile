# Mesa de Ayuda TI — the two commands users need: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
APP := target/debug/mesa-de-ayuda-ti

.PHONY: deps run app ui test lint unit ui-test e2e windows bindings bench bench-pg bench-import bench-reads bench-backup bench-report deb

deps:
	bash scripts/install-deps.sh

ui: deps
	npm --prefix ui run build

# Builds the app (UI embedded, not the dev server) and starts it on its data directory.
app: deps
	npx tauri build --debug --no-bundle

run: app
	./$(APP)

lint: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --exclude mesa-app
	npm --prefix ui run lint

unit: ui
	cargo test --workspace
	# The core's and the CLI's suites again on PostgreSQL (issue 17): same build, no rebuild.
	MESA_TEST_ENGINE=postgres cargo test --workspace --test suite

ui-test: deps
	npm --prefix ui run check
	npm --prefix ui test

e2e: app
	cargo build -p mesa-cli
	# The loopback Dovecot + aiosmtpd (+ OAuth2 token stub) for the mail E2E tests (mail.test.mjs,
	# mail-settings.test.mjs, mail-oauth.test.mjs).
	cargo build -p mesa-mailnet --example mail_servers
	# The throw-away PostgreSQL cluster for the several-workstations E2E tests
	# (tests/e2e/server.test.mjs: the move, two windows on one database, back to local).
	cargo build -p mesa-core --features postgres --example pg_server
	# Every tests/e2e/*.test.mjs, one file at a time (each starts its own app and tauri-driver).
	xvfb-run -a -s "-screen 0 1366x800x24" node --test --test-concurrency=1 tests/e2e/*.test.mjs

# Windows: mesa.exe and the app's exe cross-built for x86_64-pc-windows-gnu; the core's and the
# CLI's tests and a smoke test of mesa.exe under Wine (README «Windows»). Own target dir.
windows: deps
	bash scripts/windows-ci.sh

# Everything CI runs. Tests never touch the user's real data directory.
test: export MESA_DATA_DIR := $(shell mktemp -d)/no-real-data
test: lint unit ui-test e2e windows

# The ts-rs types and ErrorCode.ts (ui/src/lib/bindings/), then the typed command functions
# (ui/src/lib/commands.ts) from the #[tauri::command]s of src-tauri/src.
bindings:
	UPDATE_BINDINGS=1 cargo test -p mesa-core --test suite bindings::
	UPDATE_BINDINGS=1 cargo test -p mesa-contract --test contract

# Benchmarks (not timed tests): 200,000 demo cases, then the measurements.
bench:
	cargo build --release -p mesa-cli
	rm -rf target/bench-data
	./target/release/mesa --data-dir target/bench-data demo --cases 200000
	./target/release/mesa --data-dir target/bench-data bench

# Issue 17: the same figures on SQLite and on a throw-away PostgreSQL cluster (200,000 cases,
# `mesa server migrate` timed, 4 concurrent `bench-register` writers), one table side by side.
bench-pg:
	bash scripts/bench-pg.sh

# The case list read while a 100,000-row import commits: WAL readers vs one shared lock.
bench-reads:
	cargo build --release -p mesa-cli
	./target/release/mesa --data-dir target/bench-reads-data bench-reads

# Help-desk report: a year of 20,000 cases → PDF and XLSX; 100,000 cases exported to XLSX
# next to rust_xlsxwriter alone writing the same cells; peak memory of the export.
# Importer: a generated 100,000-row, 15-column .xlsx; calamine alone vs the full import.
bench-import:
	cargo build --release -p mesa-cli
	rm -rf target/bench-import
	./target/release/mesa --data-dir target/bench-import bench-import --rows 100000

bench-report:
	cargo build --release -p mesa-cli
	./target/release/mesa --data-dir target/bench-report bench-report

# Data safety figures: backup, verify, restore and the start-up check on 20,000 demo cases.
bench-backup:
	cargo build --release -p mesa-cli
	rm -rf target/bench-backup
	./target/release/mesa --data-dir target/bench-backup demo --cases 20000
	time ./target/release/mesa --data-dir target/bench-backup backup create
	f=$$(ls target/bench-backup/backups/*-manual.db | head -1); \
	  time ./target/release/mesa --data-dir target/bench-backup backup verify "$$f"; \
	  time ./target/release/mesa --data-dir target/bench-backup backup restore --yes "$$f"

deb: deps
	# The package also installs the `mesa` CLI as /usr/bin/mesa (bundle.linux.deb.files).
	cargo build --release -p mesa-cli
	npx tauri build --bundles deb
	bash scripts/deb-smoke.sh
