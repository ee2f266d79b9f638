//! The after-action report and the comparison as one document: sections of headings,
//! paragraphs of inline runs, tables, lists, callouts and the timeline chart. It is built once
//! from the engine's report model (`aar`, `compare`), and the Markdown and HTML writers only
//! emit it: what the report says, and in what order, is decided there and nowhere else.
//!
//! Text in the document is plain: each writer escapes every run for its own syntax. Text the
//! report writes itself (section titles, subheadings, table headers) is `&'static str`, so it
//! cannot come from a scenario or a log.

use tabletop_engine::scenario::{Minutes, Phase};
use tabletop_engine::score::{Chart, Rating};

/// A whole report: the title, who and what it is about, then its sections.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<'a> {
    /// What the document is (`After-action report`).
    pub kind: &'static str,
    /// What it is about: the scenario's title.
    pub subject: String,
    /// Which drill or drills, one line each, under the title.
    pub about: Vec<Line>,
    /// What comes before the first section: the partial-report warning, the key figures.
    pub preamble: Vec<Block<'a>>,
    /// The sections, in order.
    pub sections: Vec<Section<'a>>,
}

impl Document<'_> {
    /// The title, as a browser tab or a Markdown heading shows it.
    pub fn title(&self) -> String {
        format!("{}: {}", self.kind, self.subject)
    }
}

/// A numbered (or unnumbered) part of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section<'a> {
    /// Its number in the report (HSEEP sections are numbered; a comparison's are not).
    pub number: Option<usize>,
    /// Its title.
    pub title: &'static str,
    /// What it holds.
    pub blocks: Vec<Block<'a>>,
}

impl Section<'_> {
    /// The heading: `3. Timeline`.
    pub fn heading(&self) -> String {
        match self.number {
            Some(n) => format!("{n}. {}", self.title),
            None => self.title.to_owned(),
        }
    }
}

/// A paragraph, table cell or list item: runs of inline content.
pub type Line = Vec<Inline>;

/// A run of inline content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Text.
    Text(String),
    /// An id, file name or hash, shown as code.
    Code(String),
    /// Text that stands out: a title, a metric's name.
    Strong(String),
    /// A result, in the tone a reader should take it in (met, missed, better…).
    Status(Tone, String),
    /// An incident-response phase tag.
    Phase(Phase),
    /// A P/S/M/U capability rating.
    Rating(Rating),
}

/// How a result reads: what the HTML page colours, and Markdown marks where it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// It went well (met, accepted, detected, better).
    Good,
    /// It went badly (missed, declined, not detected, worse).
    Bad,
    /// Not settled (undecided, pending, open, changed beyond comparison).
    Unsettled,
    /// Neither (the same in both drills).
    Neutral,
}

/// A block of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block<'a> {
    /// A heading inside a section.
    Subheading(&'static str),
    /// A paragraph.
    Paragraph(Line),
    /// How something was measured or is to be read: secondary to what it explains.
    Remark(Line),
    /// A warning the reader must see first (the partial report).
    Warning(Line),
    /// A bullet or numbered list.
    List(List),
    /// Quoted text, in paragraphs (the briefing).
    Quote(Vec<String>),
    /// A table.
    Table(Table),
    /// The key figures of the drill, each a label over its value.
    Figures(Vec<Figure>),
    /// The timeline chart, which only a page can draw.
    Chart(TimelineChart<'a>),
    /// Scores (0–100) across drills, a line each, which only a page can draw.
    Trends(Vec<(String, Vec<Option<u32>>)>),
}

/// A list.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// Numbered (the areas for improvement, which the plan answers by number).
    pub ordered: bool,
    /// The items.
    pub items: Vec<Line>,
}

/// A table: a header of the report's own words and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The column names.
    pub head: Vec<&'static str>,
    /// The rows, each a cell per column.
    pub rows: Vec<Vec<Line>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(head: &[&'static str]) -> Self {
        Table { head: head.to_vec(), rows: Vec::new() }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<Line>) {
        debug_assert_eq!(cells.len(), self.head.len(), "a cell per column");
        self.rows.push(cells);
    }
}

/// A key figure: `Business cost` over `USD 4,450`.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What it is (a team's name for a team's score).
    pub label: String,
    /// Its value.
    pub value: String,
}

/// What the timeline chart draws: the engine's chart, a band per team, and the moments that
/// matter marked across every lane.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineChart<'a> {
    /// System states, attack stages and team actions over time.
    pub chart: &'a Chart,
    /// The teams' ids, a band of actions each, in the scenario's order.
    pub teams: Vec<&'a str>,
    /// The first foothold, detection and containment, those that happened.
    pub moments: Vec<Moment>,
}

/// A moment marked on the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// Drill time.
    pub at: u32,
    /// Which moment.
    pub kind: MomentKind,
}

/// The moments the chart marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MomentKind {
    /// The attacker's first foothold.
    FirstFoothold,
    /// The compromise was detected.
    Detected,
    /// The attacker was contained.
    Contained,
}

impl MomentKind {
    /// Its label on the chart.
    pub fn label(self) -> &'static str {
        match self {
            MomentKind::FirstFoothold => "first foothold",
            MomentKind::Detected => "detected",
            MomentKind::Contained => "contained",
        }
    }
}

/// A text run.
pub fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// A code run.
pub fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

/// A strong run.
pub fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

/// A result run.
pub fn status(tone: Tone, s: impl Into<String>) -> Inline {
    Inline::Status(tone, s.into())
}

/// A line of one text run.
pub fn plain(s: impl Into<String>) -> Line {
    vec![text(s)]
}

/// A drill time: `02:55`.
pub fn clock(m: u32) -> String {
    Minutes(m).clock()
}

/// A span: `1h19m`.
pub fn span(m: u32) -> String {
    Minutes(m).to_string()
}

/// A phase as a word: `detect`.
pub fn phase_word(p: Phase) -> &'static str {
    match p {
        Phase::Detect => "detect",
        Phase::Respond => "respond",
        Phase::Recover => "recover",
    }
}
