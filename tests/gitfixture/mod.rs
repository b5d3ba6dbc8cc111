//! Git repositories built in temporary directories with fixed dates, so
//! every figure computed from their history is known exactly. Tests may
//! run `git`; pscf-lint itself never does.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::Path;
use std::process::Command;

pub struct Repo {
    pub dir: tempfile::TempDir,
}

/// `YYYY-MM-DD` plus hours, in UTC, as git's date format.
pub fn at(day: &str, hour: u32) -> String {
    format!("{day}T{hour:02}:00:00Z")
}

impl Repo {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn path_str(&self) -> String {
        self.dir.path().display().to_string()
    }

    fn command(&self, args: &[&str], date: Option<&str>, author: (&str, &str)) -> Command {
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(self.path())
            .env("HOME", self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", author.0)
            .env("GIT_AUTHOR_EMAIL", author.1)
            .env("GIT_COMMITTER_NAME", "Committer")
            .env("GIT_COMMITTER_EMAIL", "committer@example.com");
        if let Some(date) = date {
            cmd.env("GIT_AUTHOR_DATE", date)
                .env("GIT_COMMITTER_DATE", date);
        }
        cmd
    }

    pub fn run(&self, args: &[&str], date: Option<&str>, author: (&str, &str)) -> String {
        let out = self
            .command(args, date, author)
            .output()
            .unwrap_or_else(|e| panic!("git {args:?}: {e}"));
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    pub fn git(&self, args: &[&str]) -> String {
        self.run(args, None, ("Dev", "dev@example.com"))
    }

    pub fn write(&self, path: &str, text: &str) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::write(full, text).unwrap_or_else(|e| panic!("write {path}: {e}"));
    }

    /// Commits everything with author and committer time `date`; returns
    /// the commit id.
    pub fn commit_as(&self, message: &str, date: &str, author: (&str, &str)) -> String {
        self.run(&["add", "-A"], Some(date), author);
        self.run(
            &["commit", "-q", "--allow-empty", "-m", message],
            Some(date),
            author,
        );
        self.git(&["rev-parse", "HEAD"])
    }

    /// A commit touching `file` (appending a line), at `date`.
    pub fn change(&self, file: &str, message: &str, date: &str) -> String {
        let full = self.path().join(file);
        let mut text = std::fs::read_to_string(&full).unwrap_or_default();
        text.push_str(message);
        text.push('\n');
        self.write(file, &text);
        self.commit_as(message, date, ("Dev", "dev@example.com"))
    }

    pub fn commit(&self, message: &str, date: &str) -> String {
        self.commit_as(message, date, ("Dev", "dev@example.com"))
    }

    /// A lightweight tag at HEAD.
    pub fn tag(&self, name: &str) {
        self.git(&["tag", name]);
    }

    /// An annotated tag at HEAD, tagged at `date`.
    pub fn annotated_tag(&self, name: &str, date: &str) {
        self.run(
            &["tag", "-a", name, "-m", name],
            Some(date),
            ("Releaser", "release@example.com"),
        );
    }
}
