//! The delivery facts of a repository's local git history (PSCF-SPM-DM):
//! releases in a window, each with the commits it released first, and
//! the commits not released yet. Read only when the policy asks for
//! delivery figures; [`read`] is the only entry point and `read.rs` the
//! only module here that knows gix.

mod read;
pub mod tags;

pub use read::read;

/// Seconds since the Unix epoch, UTC.
pub type Seconds = i64;

pub const DAY: Seconds = 86_400;

/// The period the figures cover: `(from, to]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Seconds,
    pub to: Seconds,
    pub days: u32,
    /// Ends at HEAD's commit time (else at `--now`).
    pub ends_at_head: bool,
}

/// What a figure needs to know about one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    pub author_time: Seconds,
    pub commit_time: Seconds,
    /// Authored by a bot (Dependabot, Renovate, GitHub Actions, `[bot]`).
    pub bot: bool,
    pub merge: bool,
    /// The first CVE, GHSA or RUSTSEC id its message names.
    pub security_id: Option<String>,
    /// Commit ids (7 to 40 hex digits) of `This reverts commit <id>` lines.
    pub reverts: Vec<String>,
}

/// One release: every release tag on one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// Sorted; the first is the name shown.
    pub tags: Vec<String>,
    pub version: Option<semver::Version>,
    pub commit: String,
    /// Tagger time of an annotated tag, else the commit's time; the
    /// earliest of its tags.
    pub time: Seconds,
    /// The commits this release was the first to contain (only for
    /// releases in the window).
    pub commits: Vec<CommitInfo>,
}

impl Release {
    pub fn name(&self) -> &str {
        self.tags.first().map_or("", String::as_str)
    }
}

/// Why the history cannot give delivery figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Insufficient {
    /// No git repository at or above the checked directory.
    NoRepository,
    /// The checked directory is inside a work tree, not its top: tags and
    /// history would describe the whole repository.
    NotTop {
        top: String,
    },
    Shallow,
    NoCommits,
    /// The oldest commit is younger than the window's start.
    ShortHistory {
        first_commit: Seconds,
    },
    TooFewReleases {
        found: usize,
    },
    /// Objects missing or unreadable, or more history than is walked.
    Unreadable(String),
}

/// Fewer releases than this in the window give no figures.
pub const MIN_RELEASES: usize = 2;

impl Insufficient {
    /// Whether the user is told with a `history-insufficient` note (or only
    /// in the capability's reason).
    pub fn is_noted(&self) -> bool {
        !matches!(self, Insufficient::NotTop { .. })
    }

    pub fn describe(&self, window: Option<&Window>) -> String {
        let date = |s: Seconds| format_date(s);
        match self {
            Insufficient::NoRepository => {
                "there is no git repository at or above the checked directory".to_owned()
            }
            Insufficient::NotTop { .. } => "the checked directory is not the top of its git work tree, whose tags and history describe the whole repository".to_owned(),
            Insufficient::Shallow => {
                "the clone is shallow, so its history and tags are incomplete".to_owned()
            }
            Insufficient::NoCommits => "the repository has no commits".to_owned(),
            Insufficient::ShortHistory { first_commit } => match window {
                Some(w) => format!(
                    "the history starts on {}, after the {}-day window's start ({})",
                    date(*first_commit),
                    w.days,
                    date(w.from)
                ),
                None => format!("the history starts on {}", date(*first_commit)),
            },
            Insufficient::TooFewReleases { found } => match window {
                Some(w) => format!(
                    "{found} release{} in the {}-day window {} to {} (at least {MIN_RELEASES} are needed)",
                    if *found == 1 { "" } else { "s" },
                    w.days,
                    date(w.from),
                    date(w.to)
                ),
                None => format!("{found} releases (at least {MIN_RELEASES} are needed)"),
            },
            Insufficient::Unreadable(why) => format!("the history cannot be read: {why}"),
        }
    }
}

/// The delivery facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub window: Option<Window>,
    /// Releases in the window, oldest first.
    pub releases: Vec<Release>,
    /// The last release before the window (its commits are not listed).
    pub previous: Option<Release>,
    /// Commits on HEAD no release contains (up to the window's end).
    pub unreleased: Vec<CommitInfo>,
    /// Commits read to attribute them to releases.
    pub commits_walked: usize,
    pub insufficient: Option<Insufficient>,
}

/// `YYYY-MM-DD` (UTC) of a timestamp.
pub fn format_date(seconds: Seconds) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| jiff::tz::Offset::UTC.to_datetime(t).date().to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

/// RFC 3339 (UTC) of a timestamp.
pub fn format_time(seconds: Seconds) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| seconds.to_string())
}
