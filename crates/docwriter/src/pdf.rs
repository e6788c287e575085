//! A small reusable PDF writer on top of printpdf 0.12 (Op-based API) for the office's formats:
//! entity header on every page, headings, wrapped paragraphs, label/value grids, tables that
//! break across pages repeating their header row, coloured cells, signature blocks and a
//! «Página X de Y» footer. Text uses DejaVu Sans (shipped in `assets/fonts`, embedded in the
//! PDF), so Spanish (á é í ó ú ñ ¿ ¡) renders and extracts exactly.

use std::collections::HashMap;

use printpdf::{
    Color, DictItem, ExternalStream, ExternalXObject, FontId, Line, LinePoint, Mm, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Px, RawImage,
    RawImageData, RawImageFormat, Rect, Rgb, TextItem, XObjectId, XObjectTransform,
};

use crate::{DocError, Result};

const REGULAR_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

/// Paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageSize {
    #[default]
    A4,
    /// US Letter (carta), the usual size in Colombian offices.
    Letter,
}

impl PageSize {
    /// Portrait width and height in points.
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (595.28, 841.89),
            PageSize::Letter => (612.0, 792.0),
        }
    }
}

/// The control block of a quality-management document, drawn at the right of the header on
/// every page: process, document code, version and date.
#[derive(Debug, Clone, Default)]
pub struct QualityBlock {
    pub process: String,
    pub code: String,
    pub version: String,
    pub date: String,
}

/// One series of a bar chart: its name, colour and one value per category.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub colour: Colour,
    pub values: Vec<f64>,
}

/// What goes at the top of every page.
#[derive(Debug, Clone, Default)]
pub struct DocHeader {
    /// Entity name (from settings).
    pub entity: String,
    /// NIT, shown when present.
    pub nit: Option<String>,
    /// Document title (e.g. «Hoja de vida de equipo»).
    pub title: String,
    /// Right-aligned reference line (document code/version, number…).
    pub reference: Option<String>,
    /// The entity's logo (PNG bytes), drawn at the left of the header on every page.
    pub logo_png: Option<Vec<u8>>,
}

/// Width, height and number of colour components of a baseline or progressive JPEG (from its
/// SOF marker); `None` when the bytes are not a JPEG that can be read.
pub fn jpeg_info(b: &[u8]) -> Option<(usize, usize, u8)> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let m = b[i + 1];
        if m == 0xFF {
            i += 1;
            continue;
        }
        if m == 0x01 || (0xD0..=0xD8).contains(&m) {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        if (0xC0..=0xCF).contains(&m) && !matches!(m, 0xC4 | 0xC8 | 0xCC) {
            let seg = b.get(i + 4..i + 2 + len)?;
            let h = u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]) as usize;
            let w = u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]) as usize;
            let c = *seg.get(5)?;
            return (w > 0 && h > 0).then_some((w, h, c));
        }
        if len < 2 {
            return None;
        }
        i += 2 + len;
    }
    None
}

/// Decodes a PNG into RGB pixels for the PDF (alpha composited on white).
pub fn decode_png(bytes: &[u8]) -> std::result::Result<RawImage, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut buf = vec![
        0;
        reader
            .output_buffer_size()
            .ok_or("imagen demasiado grande")?
    ];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let px = &buf[..info.buffer_size()];
    let (w, h) = (info.width as usize, info.height as usize);
    if w == 0 || h == 0 || w * h > 4_000_000 {
        return Err("tamaño de imagen no admitido".into());
    }
    let over_white = |c: u8, a: u8| ((c as u16 * a as u16 + 255 * (255 - a as u16)) / 255) as u8;
    let mut rgb = Vec::with_capacity(w * h * 3);
    match info.color_type {
        png::ColorType::Rgb => rgb.extend_from_slice(px),
        png::ColorType::Rgba => {
            for p in px.chunks_exact(4) {
                rgb.extend([
                    over_white(p[0], p[3]),
                    over_white(p[1], p[3]),
                    over_white(p[2], p[3]),
                ]);
            }
        }
        png::ColorType::Grayscale => px.iter().for_each(|g| rgb.extend([*g, *g, *g])),
        png::ColorType::GrayscaleAlpha => {
            for p in px.chunks_exact(2) {
                let g = over_white(p[0], p[1]);
                rgb.extend([g, g, g]);
            }
        }
        png::ColorType::Indexed => return Err("PNG con paleta no expandida".into()),
    }
    Ok(RawImage {
        pixels: RawImageData::U8(rgb),
        width: w,
        height: h,
        data_format: RawImageFormat::RGB8,
        tag: Vec::new(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour(pub f32, pub f32, pub f32);

impl Colour {
    pub const BLACK: Colour = Colour(0.0, 0.0, 0.0);
    pub const GREY: Colour = Colour(0.4, 0.4, 0.4);
    pub const HEADER_FILL: Colour = Colour(0.85, 0.89, 0.95);
    pub const LINE: Colour = Colour(0.55, 0.55, 0.55);

    fn pdf(self) -> Color {
        Color::Rgb(Rgb::new(self.0, self.1, self.2, None))
    }

    /// From `#RRGGBB`.
    pub fn hex(s: &str) -> Colour {
        let s = s.trim_start_matches('#');
        let c = |i: usize| {
            u8::from_str_radix(s.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f32 / 255.0
        };
        Colour(c(0), c(2), c(4))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A table column: title and relative width.
#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    pub weight: f32,
    pub align: Align,
}

impl Column {
    pub fn new(title: &str, weight: f32) -> Self {
        Column {
            title: title.to_string(),
            weight,
            align: Align::Left,
        }
    }
    pub fn centered(title: &str, weight: f32) -> Self {
        Column {
            title: title.to_string(),
            weight,
            align: Align::Center,
        }
    }
}

/// A table cell: text, optional background, bold.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub fill: Option<Colour>,
    pub bold: bool,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Cell {
            text: s.into(),
            ..Default::default()
        }
    }
    pub fn filled(s: impl Into<String>, fill: Option<Colour>) -> Self {
        Cell {
            text: s.into(),
            fill,
            bold: true,
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::text(s)
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::text(s)
    }
}

/// One cell of a [`PdfBuilder::grid_chart`]: its background and lines of text.
#[derive(Debug, Clone, Default)]
pub struct GridCell {
    pub fill: Option<Colour>,
    pub lines: Vec<String>,
    pub bold: bool,
}

/// One signature block: role line (Elaboró / Revisó / Aprobó), name and position.
#[derive(Debug, Clone)]
pub struct Signature {
    pub role: String,
    pub name: String,
    pub position: String,
}

struct FontFace {
    id: FontId,
    widths: HashMap<char, f32>,
    parsed: ParsedFont,
}

impl FontFace {
    fn load(doc: &mut PdfDocument, bytes: &[u8]) -> Result<Self> {
        let mut warnings = vec![];
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| DocError {
            what: "PDF".into(),
            detail: format!("no se pudo leer la fuente incluida: {warnings:?}"),
        })?;
        let id = doc.add_font(&parsed);
        Ok(FontFace {
            id,
            widths: HashMap::new(),
            parsed,
        })
    }

    /// Advance of `c` in em units.
    fn advance(&mut self, c: char) -> f32 {
        if let Some(w) = self.widths.get(&c) {
            return *w;
        }
        let upem = self.parsed.font_metrics.units_per_em.max(1) as f32;
        let w = self
            .parsed
            .lookup_glyph_index(c as u32)
            .and_then(|g| self.parsed.get_glyph_width_internal(g))
            .map(|w| w as f32 / upem)
            .unwrap_or(0.6);
        self.widths.insert(c, w);
        w
    }
}

/// Builds a multi-page PDF top to bottom. Coordinates are points; the cursor `y` is the
/// distance from the top edge.
pub struct PdfBuilder {
    doc: PdfDocument,
    regular: FontFace,
    bold: FontFace,
    header: DocHeader,
    width: f32,
    height: f32,
    margin: f32,
    footer_note: String,
    quality: Option<QualityBlock>,
    /// The logo registered in the document: id, pixel width and height.
    logo: Option<(XObjectId, usize, usize)>,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    y: f32,
}

const FOOTER_SPACE: f32 = 28.0;

impl PdfBuilder {
    /// A4 document with the entity header on each page.
    pub fn new(header: DocHeader, orientation: Orientation) -> Result<Self> {
        Self::with_page(header, orientation, PageSize::A4, None)
    }

    /// A document of the given paper size; with `quality`, the header carries the process,
    /// code, version and date of a quality-management document.
    pub fn with_page(
        header: DocHeader,
        orientation: Orientation,
        size: PageSize,
        quality: Option<QualityBlock>,
    ) -> Result<Self> {
        let mut doc = PdfDocument::new(&header.title);
        let regular = FontFace::load(&mut doc, REGULAR_TTF)?;
        let bold = FontFace::load(&mut doc, BOLD_TTF)?;
        // A logo that cannot be read is left out rather than failing the document.
        let logo = header
            .logo_png
            .as_deref()
            .and_then(|b| decode_png(b).ok())
            .map(|img| (doc.add_image(&img), img.width, img.height));
        let (pw, ph) = size.points();
        let (w, h) = match orientation {
            Orientation::Portrait => (pw, ph),
            Orientation::Landscape => (ph, pw),
        };
        let mut b = PdfBuilder {
            doc,
            regular,
            bold,
            header,
            width: w,
            height: h,
            margin: 36.0,
            footer_note: String::new(),
            quality,
            logo,
            pages: vec![],
            ops: vec![],
            y: 0.0,
        };
        b.start_page();
        Ok(b)
    }

    /// Small text printed at the left of every footer (e.g. «Generado el …»).
    pub fn set_footer_note(&mut self, s: &str) {
        self.footer_note = s.to_string();
    }

    pub fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    fn bottom(&self) -> f32 {
        self.height - self.margin - FOOTER_SPACE
    }

    fn face(&mut self, bold: bool) -> &mut FontFace {
        if bold {
            &mut self.bold
        } else {
            &mut self.regular
        }
    }

    pub fn text_width(&mut self, s: &str, bold: bool, size: f32) -> f32 {
        let f = self.face(bold);
        s.chars().map(|c| f.advance(c)).sum::<f32>() * size
    }

    /// Splits `s` into lines no wider than `max` (words broken only when longer than a line).
    pub fn wrap(&mut self, s: &str, bold: bool, size: f32, max: f32) -> Vec<String> {
        let mut out = vec![];
        for para in s.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.text_width(&candidate, bold, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                // The word alone may still be too long: break it.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.text_width(&piece, bold, size) > max && piece.chars().count() > 1 {
                        piece.pop();
                        out.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            out.push(line);
        }
        if out.is_empty() {
            out.push(String::new());
        }
        out
    }

    fn raw_text(&mut self, s: &str, x: f32, y_top: f32, size: f32, bold: bool, colour: Colour) {
        if s.is_empty() {
            return;
        }
        let font = self.face(bold).id.clone();
        // Baseline: top + ascent (≈ 0.8 em).
        let baseline = self.height - y_top - size * 0.8;
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: colour.pdf() },
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    #[allow(clippy::too_many_arguments)]
    fn aligned_text(
        &mut self,
        s: &str,
        x: f32,
        w: f32,
        y_top: f32,
        size: f32,
        bold: bool,
        align: Align,
    ) {
        let tw = self.text_width(s, bold, size);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (w - tw) / 2.0,
            Align::Right => x + w - tw,
        };
        self.raw_text(s, x, y_top, size, bold, Colour::BLACK);
    }

    fn rect(&mut self, x: f32, y_top: f32, w: f32, h: f32, fill: Option<Colour>, stroke: bool) {
        if let Some(c) = fill {
            self.ops.push(Op::SetFillColor { col: c.pdf() });
            self.ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(self.height - y_top - h),
                    width: Pt(w),
                    height: Pt(h),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            });
        }
        if stroke {
            self.ops.push(Op::SetOutlineColor {
                col: Colour::LINE.pdf(),
            });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
            self.ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(self.height - y_top - h),
                    width: Pt(w),
                    height: Pt(h),
                    mode: Some(PaintMode::Stroke),
                    winding_order: None,
                },
            });
        }
    }

    fn hline(&mut self, x1: f32, x2: f32, y_top: f32, thickness: f32) {
        self.line(Colour::BLACK, thickness, (x1, y_top), (x2, y_top));
    }

    /// A straight line between two points measured from the top of the page.
    fn line(&mut self, colour: Colour, thickness: f32, from: (f32, f32), to: (f32, f32)) {
        self.ops.push(Op::SetOutlineColor { col: colour.pdf() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        let point = |(x, y): (f32, f32)| LinePoint {
            p: Point {
                x: Pt(x),
                y: Pt(self.height - y),
            },
            bezier: false,
        };
        let points = vec![point(from), point(to)];
        self.ops.push(Op::DrawLine {
            line: Line {
                points,
                is_closed: false,
            },
        });
    }

    fn start_page(&mut self) {
        if !self.ops.is_empty() {
            let ops = std::mem::take(&mut self.ops);
            self.pages.push(ops);
        }
        if self.quality.is_some() {
            self.quality_header();
            return;
        }
        let m = self.margin;
        let w = self.content_width();
        let h = self.header.clone();
        let box_h = 52.0;
        self.rect(m, m, w, box_h, None, true);
        // Entity name (may wrap to two lines), NIT, then the title.
        let logo_w = self.draw_logo(m + 4.0, m + 4.0, 90.0, box_h - 8.0);
        let lx = if logo_w > 0.0 { logo_w + 6.0 } else { 0.0 };
        let lines = self.wrap(&h.entity, true, 11.0, w - 150.0 - lx);
        let mut y = m + 5.0;
        for l in lines.iter().take(2) {
            self.aligned_text(l, m + 6.0 + lx, w - 150.0 - lx, y, 11.0, true, Align::Left);
            y += 13.0;
        }
        if let Some(nit) = h.nit.as_deref().filter(|s| !s.trim().is_empty()) {
            self.raw_text(
                &format!("NIT {nit}"),
                m + 6.0 + lx,
                y,
                8.5,
                false,
                Colour::GREY,
            );
        }
        if let Some(r) = &h.reference {
            self.aligned_text(r, m + w - 146.0, 140.0, m + 6.0, 8.0, false, Align::Right);
        }
        self.aligned_text(
            &h.title,
            m + w - 300.0,
            294.0,
            m + 34.0,
            11.5,
            true,
            Align::Right,
        );
        self.y = m + box_h + 12.0;
    }

    /// Draws the logo inside a box of `max_w` × `max_h` points whose top-left corner is
    /// (`x`, `y_top`); returns the width used (0 without a logo).
    fn draw_logo(&mut self, x: f32, y_top: f32, max_w: f32, max_h: f32) -> f32 {
        let Some((id, pw, ph)) = self.logo.clone() else {
            return 0.0;
        };
        let scale = (max_w / pw as f32).min(max_h / ph as f32);
        let (w, h) = (pw as f32 * scale, ph as f32 * scale);
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(self.height - y_top - h)),
                scale_x: Some(scale),
                scale_y: Some(scale),
                dpi: Some(72.0),
                ..Default::default()
            },
        });
        w
    }

    /// Header of a quality-management document: entity and NIT | process and title |
    /// code, version, date.
    fn quality_header(&mut self) {
        let q = self.quality.clone().unwrap_or_default();
        let h = self.header.clone();
        let m = self.margin;
        let w = self.content_width();
        let box_h = 62.0;
        let c1 = w * 0.36;
        let c3 = w * 0.24;
        let c2 = w - c1 - c3;
        self.rect(m, m, c1, box_h, None, true);
        self.rect(m + c1, m, c2, box_h, None, true);
        self.rect(m + c1 + c2, m, c3, box_h, None, true);
        let logo_w = self.draw_logo(m + 4.0, m + 4.0, c1 * 0.35, box_h - 8.0);
        let lx = if logo_w > 0.0 { logo_w + 6.0 } else { 0.0 };
        let lines = self.wrap(&h.entity, true, 9.5, c1 - 10.0 - lx);
        let mut y = m + 5.0;
        for l in lines.iter().take(3) {
            self.aligned_text(l, m + 5.0 + lx, c1 - 10.0 - lx, y, 9.5, true, Align::Left);
            y += 11.5;
        }
        if let Some(nit) = h.nit.as_deref().filter(|s| !s.trim().is_empty()) {
            self.raw_text(
                &format!("NIT {nit}"),
                m + 5.0 + lx,
                y,
                8.0,
                false,
                Colour::GREY,
            );
        }
        let x2 = m + c1;
        let proc_lines = self.wrap(&format!("Proceso: {}", q.process), false, 8.5, c2 - 10.0);
        let mut y = m + 6.0;
        for l in proc_lines.iter().take(2) {
            self.aligned_text(l, x2 + 5.0, c2 - 10.0, y, 8.5, false, Align::Center);
            y += 11.0;
        }
        let title_lines = self.wrap(&h.title, true, 10.5, c2 - 10.0);
        let mut y = m + 32.0;
        for l in title_lines.iter().take(2) {
            self.aligned_text(l, x2 + 5.0, c2 - 10.0, y, 10.5, true, Align::Center);
            y += 13.0;
        }
        let x3 = m + c1 + c2;
        let rows = [
            format!("Código: {}", q.code),
            format!("Versión: {}", q.version),
            format!("Fecha: {}", q.date),
        ];
        for (i, r) in rows.iter().enumerate() {
            let yy = m + i as f32 * (box_h / 3.0);
            if i > 0 {
                self.line(Colour::LINE, 0.5, (x3, yy), (x3 + c3, yy));
            }
            self.raw_text(r, x3 + 5.0, yy + 6.0, 8.5, false, Colour::BLACK);
        }
        self.y = m + box_h + 12.0;
    }

    /// A horizontal bar chart drawn with vector rectangles: one row per category (label at
    /// the left), one bar per series, the value printed after each bar, a legend when there
    /// is more than one series. `max` fixes the scale (e.g. 100 for percentages).
    pub fn bar_chart(
        &mut self,
        title: &str,
        categories: &[String],
        series: &[Series],
        max: Option<f64>,
        fmt: &dyn Fn(f64) -> String,
    ) {
        let size = 8.0;
        let bar_h = 9.0;
        let gap = 5.0;
        let n_series = series.len().max(1) as f32;
        let row_h = bar_h * n_series + gap;
        let w = self.content_width();
        let m = self.margin;
        let label_w = (w * 0.34).min(200.0);
        let value_w = 70.0;
        let plot_w = w - label_w - value_w - 8.0;
        let top = series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0_f64, f64::max);
        let scale = max.unwrap_or(top).max(top).max(f64::MIN_POSITIVE);
        let legend_h = if series.len() > 1 { 14.0 } else { 0.0 };
        // Keep the title with at least the first rows.
        self.ensure_space(18.0 + legend_h + row_h * (categories.len().min(4) as f32));
        self.raw_text(title, m, self.y, 9.5, true, Colour::BLACK);
        self.y += 14.0;
        if series.len() > 1 {
            let items: Vec<(Colour, String)> =
                series.iter().map(|s| (s.colour, s.name.clone())).collect();
            let mut x = m;
            for (c, label) in &items {
                self.rect(x, self.y + 1.0, 10.0, 8.0, Some(*c), false);
                self.raw_text(label, x + 13.0, self.y, 8.0, false, Colour::BLACK);
                x += 13.0 + self.text_width(label, false, 8.0) + 14.0;
            }
            self.y += legend_h;
        }
        if categories.is_empty() {
            self.raw_text(
                "Sin datos en el periodo.",
                m,
                self.y,
                size,
                false,
                Colour::GREY,
            );
            self.y += 14.0;
            return;
        }
        let axis_x = m + label_w + 4.0;
        let page_at_start = self.pages.len();
        let y_start = self.y;
        for (i, cat) in categories.iter().enumerate() {
            if self.y + row_h > self.bottom() {
                self.start_page();
            }
            let mut label = cat.clone();
            while self.text_width(&label, false, size) > label_w && label.chars().count() > 4 {
                label.pop();
                label.pop();
                label.push('…');
            }
            let y0 = self.y;
            let label_y = y0 + (row_h - gap - size) / 2.0 - 1.0;
            self.aligned_text(&label, m, label_w, label_y, size, false, Align::Right);
            for (k, s) in series.iter().enumerate() {
                let v = s.values.get(i).copied().unwrap_or(0.0);
                let bw = (v / scale) as f32 * plot_w;
                let by = y0 + k as f32 * bar_h;
                if bw > 0.0 {
                    self.rect(
                        axis_x,
                        by + 1.0,
                        bw.max(0.8),
                        bar_h - 2.0,
                        Some(s.colour),
                        false,
                    );
                }
                self.raw_text(
                    &fmt(v),
                    axis_x + bw + 3.0,
                    by + 1.0,
                    7.5,
                    false,
                    Colour::BLACK,
                );
            }
            self.y += row_h;
        }
        // Axis line (on the chart's first page only when it broke across pages).
        let y_end = if self.pages.len() == page_at_start {
            self.y - gap / 2.0
        } else {
            self.y += 8.0;
            return;
        };
        self.line(Colour::GREY, 0.6, (axis_x, y_start), (axis_x, y_end));
        self.y += 8.0;
    }

    /// Starts a new page when less than `h` points are left.
    pub fn ensure_space(&mut self, h: f32) {
        if self.y + h > self.bottom() {
            self.start_page();
        }
    }

    /// Draws a picture (an equipment's photo: PNG decoded, JPEG embedded as is with
    /// `DCTDecode`) at the cursor, scaled to fit `max_w` × `max_h` points, and moves the cursor
    /// under it. Err when the bytes are neither a PNG nor a JPEG it can read.
    pub fn photo(
        &mut self,
        bytes: &[u8],
        max_w: f32,
        max_h: f32,
    ) -> std::result::Result<(), String> {
        let (id, pw, ph) = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            let (w, h, components) = jpeg_info(bytes).ok_or("JPEG no legible")?;
            let space: &[u8] = match components {
                1 => b"DeviceGray",
                3 => b"DeviceRGB",
                4 => b"DeviceCMYK",
                _ => return Err("JPEG con un número de canales no admitido".into()),
            };
            let mut dict = std::collections::BTreeMap::new();
            dict.insert("Type".to_string(), DictItem::Name(b"XObject".to_vec()));
            dict.insert("Subtype".to_string(), DictItem::Name(b"Image".to_vec()));
            dict.insert("Width".to_string(), DictItem::Int(w as i64));
            dict.insert("Height".to_string(), DictItem::Int(h as i64));
            dict.insert("ColorSpace".to_string(), DictItem::Name(space.to_vec()));
            dict.insert("BitsPerComponent".to_string(), DictItem::Int(8));
            dict.insert("Filter".to_string(), DictItem::Name(b"DCTDecode".to_vec()));
            let x = ExternalXObject {
                stream: ExternalStream {
                    dict,
                    content: bytes.to_vec(),
                    compress: false,
                },
                width: Some(Px(w)),
                height: Some(Px(h)),
                dpi: Some(72.0),
            };
            (self.doc.add_xobject(&x), w, h)
        } else {
            let img = decode_png(bytes)?;
            let (w, h) = (img.width, img.height);
            (self.doc.add_image(&img), w, h)
        };
        let scale = (max_w / pw as f32).min(max_h / ph as f32);
        let h = ph as f32 * scale;
        self.ensure_space(h + 6.0);
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(self.margin)),
                translate_y: Some(Pt(self.height - self.y - h)),
                scale_x: Some(scale),
                scale_y: Some(scale),
                dpi: Some(72.0),
                ..Default::default()
            },
        });
        self.y += h + 6.0;
        Ok(())
    }

    pub fn space(&mut self, h: f32) {
        self.y += h;
    }

    /// A section heading with a rule under it.
    pub fn heading(&mut self, s: &str) {
        self.ensure_space(40.0);
        self.y += 4.0;
        let m = self.margin;
        let w = self.content_width();
        self.raw_text(s, m, self.y, 11.0, true, Colour::BLACK);
        self.y += 15.0;
        self.hline(m, m + w, self.y, 0.8);
        self.y += 5.0;
    }

    /// A wrapped paragraph.
    pub fn paragraph(&mut self, s: &str, size: f32, bold: bool) {
        let w = self.content_width();
        let m = self.margin;
        for l in self.wrap(s, bold, size, w) {
            self.ensure_space(size * 1.35);
            self.raw_text(&l, m, self.y, size, bold, Colour::BLACK);
            self.y += size * 1.35;
        }
    }

    /// Label/value pairs laid out in `columns` columns, values wrapped.
    pub fn key_values(&mut self, pairs: &[(&str, String)], columns: usize) {
        let columns = columns.max(1);
        let size = 9.0;
        let lh = size * 1.3;
        let col_w = self.content_width() / columns as f32;
        let label_w = (col_w * 0.38).min(130.0);
        for chunk in pairs.chunks(columns) {
            let mut wrapped = vec![];
            for (k, v) in chunk {
                let kl = self.wrap(&format!("{k}:"), true, size, label_w - 4.0);
                let vl = self.wrap(
                    if v.is_empty() { "—" } else { v },
                    false,
                    size,
                    col_w - label_w - 6.0,
                );
                wrapped.push((kl, vl));
            }
            let lines = wrapped
                .iter()
                .map(|(a, b)| a.len().max(b.len()))
                .max()
                .unwrap_or(1);
            let h = lines as f32 * lh + 3.0;
            self.ensure_space(h);
            for (i, (kl, vl)) in wrapped.into_iter().enumerate() {
                let x = self.margin + i as f32 * col_w;
                for (j, l) in kl.iter().enumerate() {
                    self.raw_text(l, x, self.y + j as f32 * lh, size, true, Colour::GREY);
                }
                for (j, l) in vl.iter().enumerate() {
                    self.raw_text(
                        l,
                        x + label_w,
                        self.y + j as f32 * lh,
                        size,
                        false,
                        Colour::BLACK,
                    );
                }
            }
            self.y += h;
        }
    }

    /// A table with a header row repeated on every page it spans. Cells wrap; rows never split.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<Cell>], size: f32) {
        let total: f32 = columns.iter().map(|c| c.weight).sum::<f32>().max(0.001);
        let w = self.content_width();
        let widths: Vec<f32> = columns.iter().map(|c| c.weight / total * w).collect();
        let pad = 3.0;
        let lh = size * 1.25;
        let header_cells: Vec<Cell> = columns
            .iter()
            .map(|c| Cell::filled(c.title.clone(), Some(Colour::HEADER_FILL)))
            .collect();
        let header_lines: Vec<Vec<String>> = header_cells
            .iter()
            .zip(&widths)
            .map(|(c, cw)| self.wrap(&c.text, true, size, cw - 2.0 * pad))
            .collect();
        let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        let draw_row = |b: &mut PdfBuilder, cells: &[Cell], lines: &[Vec<String>], h: f32| {
            let mut x = b.margin;
            for (i, cw) in widths.iter().enumerate() {
                let cell = cells.get(i);
                b.rect(x, b.y, *cw, h, cell.and_then(|c| c.fill), true);
                let bold = cell.is_some_and(|c| c.bold);
                if let Some(ls) = lines.get(i) {
                    for (j, l) in ls.iter().enumerate() {
                        b.aligned_text(
                            l,
                            x + pad,
                            cw - 2.0 * pad,
                            b.y + pad + j as f32 * lh,
                            size,
                            bold,
                            columns[i].align,
                        );
                    }
                }
                x += cw;
            }
            b.y += h;
        };
        self.ensure_space(header_h + lh + 2.0 * pad);
        draw_row(self, &header_cells, &header_lines, header_h);
        for row in rows {
            let lines: Vec<Vec<String>> = widths
                .iter()
                .enumerate()
                .map(|(i, cw)| {
                    let c = row.get(i).cloned().unwrap_or_default();
                    self.wrap(&c.text, c.bold, size, cw - 2.0 * pad)
                })
                .collect();
            let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
            if self.y + h > self.bottom() {
                self.start_page();
                draw_row(self, &header_cells, &header_lines, header_h);
            }
            draw_row(self, row, &lines, h);
        }
        self.y += 6.0;
    }

    /// Signature blocks side by side: a line to sign on, then role, name and position.
    pub fn signatures(&mut self, blocks: &[Signature]) {
        if blocks.is_empty() {
            return;
        }
        self.ensure_space(90.0);
        self.y += 36.0;
        let n = blocks.len() as f32;
        let gap = 18.0;
        let bw = (self.content_width() - gap * (n - 1.0)) / n;
        for (i, s) in blocks.iter().enumerate() {
            let x = self.margin + i as f32 * (bw + gap);
            self.hline(x, x + bw, self.y, 0.7);
            self.aligned_text(&s.role, x, bw, self.y + 3.0, 9.0, true, Align::Center);
            let name = if s.name.trim().is_empty() {
                " "
            } else {
                &s.name
            };
            self.aligned_text(name, x, bw, self.y + 15.0, 9.0, false, Align::Center);
            self.aligned_text(&s.position, x, bw, self.y + 27.0, 8.0, false, Align::Center);
        }
        self.y += 44.0;
    }

    /// Draws a small legend swatch with a label (e.g. colours of the cronograma).
    pub fn legend(&mut self, items: &[(Colour, &str)]) {
        self.ensure_space(16.0);
        let mut x = self.margin;
        for (c, label) in items {
            self.rect(x, self.y + 1.0, 10.0, 9.0, Some(*c), true);
            self.raw_text(label, x + 14.0, self.y, 8.5, false, Colour::BLACK);
            x += 14.0 + self.text_width(label, false, 8.5) + 16.0;
        }
        self.y += 16.0;
    }

    /// A grid chart drawn with vector rectangles (e.g. a 5×5 risk heat map): a title, the row
    /// labels at the left (first row on top) under `row_title`, one filled cell per row and
    /// column with its lines of text centred (cut to fit), the column labels under the grid and
    /// `col_title` under them. Kept on one page.
    #[allow(clippy::too_many_arguments)]
    pub fn grid_chart(
        &mut self,
        title: &str,
        row_title: &str,
        rows: &[String],
        col_title: &str,
        cols: &[String],
        cells: &[Vec<GridCell>],
        cell_h: f32,
    ) {
        let size = 7.5;
        let lh = size * 1.2;
        let m = self.margin;
        let label_w = 78.0;
        let n_cols = cols.len().max(1) as f32;
        let grid_w = (self.content_width() - label_w - 6.0).min(n_cols * 100.0);
        let cell_w = grid_w / n_cols;
        let total = 16.0 + 12.0 + rows.len() as f32 * cell_h + 14.0 + 14.0;
        self.ensure_space(total);
        self.raw_text(title, m, self.y, 9.5, true, Colour::BLACK);
        self.y += 16.0;
        self.raw_text(row_title, m, self.y, 7.5, true, Colour::GREY);
        self.y += 12.0;
        let x0 = m + label_w + 6.0;
        for (r, label) in rows.iter().enumerate() {
            let y0 = self.y;
            let lines = self.wrap(label, false, size, label_w);
            let top = y0 + (cell_h - lines.len() as f32 * lh) / 2.0;
            for (j, l) in lines.iter().enumerate() {
                self.aligned_text(
                    l,
                    m,
                    label_w,
                    top + j as f32 * lh,
                    size,
                    false,
                    Align::Right,
                );
            }
            for c in 0..cols.len() {
                let x = x0 + c as f32 * cell_w;
                let cell = cells.get(r).and_then(|row| row.get(c));
                self.rect(x, y0, cell_w, cell_h, cell.and_then(|c| c.fill), true);
                let Some(cell) = cell else { continue };
                let mut lines = vec![];
                for l in &cell.lines {
                    lines.extend(self.wrap(l, cell.bold, size, cell_w - 6.0));
                }
                let fit = ((cell_h - 4.0) / lh).floor().max(1.0) as usize;
                if lines.len() > fit {
                    lines.truncate(fit);
                    if let Some(last) = lines.last_mut() {
                        last.push('…');
                    }
                }
                let top = y0 + (cell_h - lines.len() as f32 * lh) / 2.0;
                for (j, l) in lines.iter().enumerate() {
                    self.aligned_text(
                        l,
                        x + 3.0,
                        cell_w - 6.0,
                        top + j as f32 * lh,
                        size,
                        cell.bold,
                        Align::Center,
                    );
                }
            }
            self.y += cell_h;
        }
        self.y += 3.0;
        for (c, label) in cols.iter().enumerate() {
            let x = x0 + c as f32 * cell_w;
            self.aligned_text(label, x, cell_w, self.y, size, false, Align::Center);
        }
        self.y += 12.0;
        self.aligned_text(col_title, x0, grid_w, self.y, 7.5, true, Align::Center);
        self.y += 16.0;
    }

    /// Finishes: adds «Página X de Y» to each page and serialises.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        let last = std::mem::take(&mut self.ops);
        self.pages.push(last);
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        let note = self.footer_note.clone();
        for (i, ops) in pages.into_iter().enumerate() {
            self.ops = ops;
            let y = self.height - self.margin - 12.0;
            let m = self.margin;
            let w = self.content_width();
            self.hline(m, m + w, y - 3.0, 0.4);
            let label = format!("Página {} de {}", i + 1, total);
            self.aligned_text(&label, m, w, y, 8.0, false, Align::Right);
            if !note.is_empty() {
                self.raw_text(&note, m, y, 7.5, false, Colour::GREY);
            }
            let ops = std::mem::take(&mut self.ops);
            out.push(PdfPage::new(
                Mm::from(Pt(self.width)),
                Mm::from(Pt(self.height)),
                ops,
            ));
        }
        let mut warnings = vec![];
        let bytes = self
            .doc
            .with_pages(out)
            .save(&PdfSaveOptions::default(), &mut warnings);
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_to_width() {
        let mut b = PdfBuilder::new(DocHeader::default(), Orientation::Portrait).unwrap();
        let lines = b.wrap(
            "uno dos tres cuatro cinco seis siete ocho",
            false,
            10.0,
            60.0,
        );
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(
                b.text_width(l, false, 10.0) <= 60.0 || !l.contains(' '),
                "{l}"
            );
        }
        assert_eq!(b.wrap("a\nb", false, 10.0, 500.0), vec!["a", "b"]);
        let long = b.wrap("INDUPALVALLEDUPARCESARCOLOMBIA", false, 10.0, 40.0);
        assert!(long.len() > 1);
        assert_eq!(long.concat(), "INDUPALVALLEDUPARCESARCOLOMBIA");
    }
}
