-- E-mail (issue 16): incoming mails (the Bandeja de entrada), the per-mailbox sync state, the
-- outbox of notifications, the Spanish templates and the non-secret account settings. The
-- password or token never lives here (the operating system's credential store keeps it).

-- The account: one office mailbox. Hosts, ports, security, user, folders; never a secret.
CREATE TABLE mail_account (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    address          TEXT NOT NULL,
    display_name     TEXT NOT NULL DEFAULT 'Mesa de Ayuda TI',
    imap_host        TEXT NOT NULL,
    imap_port        INTEGER NOT NULL CHECK (imap_port BETWEEN 1 AND 65535),
    smtp_host        TEXT NOT NULL,
    smtp_port        INTEGER NOT NULL CHECK (smtp_port BETWEEN 1 AND 65535),
    security         TEXT NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
    auth             TEXT NOT NULL DEFAULT 'password' CHECK (auth IN ('password', 'oauth2_microsoft', 'oauth2_google')),
    username         TEXT NOT NULL,
    folder           TEXT NOT NULL DEFAULT 'INBOX',
    processed_folder TEXT NOT NULL DEFAULT 'Mesa de ayuda/Procesados',
    poll_minutes     INTEGER NOT NULL DEFAULT 2 CHECK (poll_minutes BETWEEN 1 AND 1440),
    max_mb           INTEGER NOT NULL DEFAULT 25 CHECK (max_mb BETWEEN 1 AND 500),
    auto_register    INTEGER NOT NULL DEFAULT 0 CHECK (auto_register IN (0, 1)),
    enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1))
) STRICT;

-- Where the collector stands in each mailbox (account key = address + folder): the server's
-- UIDVALIDITY and the last UID stored. Updated in the same transaction as the mail it stores.
CREATE TABLE mail_sync (
    account     TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
) STRICT;

-- Incoming mails. `received_at` is the server's arrival time (IMAP INTERNALDATE), or the file's
-- Date header for an imported `.eml`. The raw message is in `mail_raw`.
CREATE TABLE mail_messages (
    id             INTEGER PRIMARY KEY,
    message_id     TEXT,
    content_hash   TEXT,
    account        TEXT,
    uidvalidity    INTEGER,
    uid            INTEGER,
    received_at    TEXT NOT NULL,
    imported       INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1)),
    from_address   TEXT NOT NULL DEFAULT '',
    from_name      TEXT NOT NULL DEFAULT '',
    to_addresses   TEXT NOT NULL DEFAULT '',
    cc_addresses   TEXT NOT NULL DEFAULT '',
    subject        TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL DEFAULT '',
    in_reply_to    TEXT,
    references_ids TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL CHECK (kind IN ('request', 'auto_reply', 'bounce', 'list', 'own')),
    state          TEXT NOT NULL CHECK (state IN ('nuevo', 'registrado', 'descartado', 'seguimiento',
                       'ignorado', 'revisar_respuesta', 'demasiado_grande')),
    note           TEXT,
    discard_reason TEXT,
    ticket_id      INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    attachments    INTEGER NOT NULL DEFAULT 0,
    size           INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    decided_at     TEXT,
    decided_by     TEXT,
    moved_at       TEXT,
    CHECK (state <> 'descartado' OR discard_reason IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX mail_messages_identity ON mail_messages(message_id, content_hash)
    WHERE message_id IS NOT NULL AND content_hash IS NOT NULL;
CREATE UNIQUE INDEX mail_messages_uid ON mail_messages(account, uidvalidity, uid)
    WHERE uid IS NOT NULL;
CREATE INDEX mail_messages_hash ON mail_messages(content_hash);
CREATE INDEX mail_messages_msgid ON mail_messages(message_id);
CREATE INDEX mail_messages_state ON mail_messages(state, received_at);
CREATE INDEX mail_messages_ticket ON mail_messages(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX mail_messages_from ON mail_messages(from_address, created_at);

-- The raw bytes of each stored mail (evidence; attached to the case as `.eml` on registering).
CREATE TABLE mail_raw (
    mail_id INTEGER PRIMARY KEY REFERENCES mail_messages(id) ON DELETE CASCADE,
    bytes   BLOB NOT NULL
) STRICT;

-- Outgoing notifications, composed when the event happens (same transaction) and sent later.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    kind            TEXT NOT NULL,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pendiente' CHECK (state IN ('pendiente', 'enviado', 'fallido')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_reply      TEXT,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    accepted_at     TEXT
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox(state, next_attempt_at);
CREATE INDEX mail_outbox_ticket ON mail_outbox(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX mail_outbox_to ON mail_outbox(to_address, kind, created_at);

-- The composed bytes of each outgoing message (what the SMTP client sends).
CREATE TABLE mail_outbox_raw (
    outbox_id INTEGER PRIMARY KEY REFERENCES mail_outbox(id) ON DELETE CASCADE,
    bytes     BLOB NOT NULL
) STRICT;

-- Notification templates (Spanish, editable in Ajustes → Correo; each kind can be turned off).
CREATE TABLE mail_templates (
    kind    TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    body    TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1))
) STRICT;

INSERT INTO mail_templates(kind, subject, body) VALUES
('acuse', 'Recibimos su solicitud: {asunto}',
 'Cordial saludo, {solicitante}.

Recibimos su solicitud el {fecha} y quedó registrada con el número {numero}.
Meta de respuesta: {meta_respuesta}.

Qué sigue: un técnico la revisará y le escribirá por este medio. Si necesita agregar algo,
responda este correo sin cambiar el asunto.

Mesa de Ayuda TI
{entidad}'),
('visita', 'Visita programada',
 'Cordial saludo, {solicitante}.

Programamos una visita para su caso {numero} el {fecha_visita}.
Lugar: {lugar}
Técnico: {tecnico}

Adjuntamos la cita para su calendario. Si no puede atenderla, responda este correo.

Mesa de Ayuda TI
{entidad}'),
('seguimiento', 'Novedad en su caso',
 'Cordial saludo, {solicitante}.

{seguimiento}

Para responder, conteste este correo sin cambiar el asunto.

Mesa de Ayuda TI
{entidad}'),
('resuelto', 'Caso solucionado — encuesta de satisfacción',
 'Cordial saludo, {solicitante}.

Su solicitud {numero} fue atendida por {tecnico}.
Solución: {solucion}

Por favor califique de 1 (muy malo) a 5 (excelente) respondiendo este correo con una línea por
pregunta (por ejemplo «1. 5»):
{preguntas}

Si no recibimos respuesta en {dias_encuesta} días hábiles, el caso se cerrará automáticamente.

Mesa de Ayuda TI
{entidad}'),
('cierre_automatico', 'Caso cerrado',
 'Cordial saludo, {solicitante}.

Su caso {numero} se cerró automáticamente porque no recibimos la encuesta en el plazo.
Si el problema continúa, responda este correo y abriremos un caso nuevo.

Mesa de Ayuda TI
{entidad}'),
('reabierto', 'Caso reabierto',
 'Cordial saludo, {solicitante}.

Usted nos indicó que la solución del caso {numero} no funcionó. Lo reabrimos y un técnico
continuará con la atención.
Motivo: {motivo}

Mesa de Ayuda TI
{entidad}');
