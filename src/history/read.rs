//! Reading tags and commits with gix (read-only, isolated from any git
//! configuration, never running git) and attributing every commit to the
//! first release that contains it.
//!
//! The walk paints commits with the index of the earliest release that
//! reaches them (0 for releases before the window, `n + 1` for HEAD) and
//! visits them newest first, like `git rev-list`, so it stops once only
//! commits released before the window are left: its cost follows the
//! window, not the repository's age.

use std::collections::{BinaryHeap, HashMap};
use std::path::Path;
use std::sync::LazyLock;

use gix::ObjectId;

use super::tags;
use super::{CommitInfo, DAY, History, Insufficient, MIN_RELEASES, Release, Seconds, Window};
use crate::policy::DeliveryPolicy;

/// At most this many commits are read; beyond, the figures are not
/// evaluated (bounded memory and time on any repository).
pub const MAX_COMMITS: usize = 2_000_000;
/// Tags peel through at most this many tag objects.
const MAX_TAG_DEPTH: usize = 8;
/// Commits popped after only already-released ones remain, against clock
/// skew (git uses 5).
const SLOP: usize = 32;
/// Only this much of a commit message is searched.
const MAX_MESSAGE: usize = 64 * 1024;

static BOT: LazyLock<Option<regex::Regex>> =
    LazyLock::new(|| regex::Regex::new(r"(?i)\[bot\]|^dependabot|^renovate|^github-actions").ok());
static SECURITY_ID: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
    regex::Regex::new(
        r"\b(?:CVE-\d{4}-\d{4,}|GHSA(?:-[2-9cfghjmpqrvwx]{4}){3}|RUSTSEC-\d{4}-\d{4})\b",
    )
    .ok()
});
static REVERTS: LazyLock<Option<regex::Regex>> =
    LazyLock::new(|| regex::Regex::new(r"This reverts commit ([0-9a-f]{7,40})").ok());

/// Reads the delivery facts of the repository whose work tree's top is
/// `root`. `now` ends the window instead of HEAD's commit time.
pub fn read(root: &Path, policy: &DeliveryPolicy, now: Option<Seconds>) -> History {
    let mut history = History::default();
    if let Err(why) = read_into(root, policy, now, &mut history) {
        history.insufficient = Some(why);
    }
    history
}

fn read_into(
    root: &Path,
    policy: &DeliveryPolicy,
    now: Option<Seconds>,
    history: &mut History,
) -> Result<(), Insufficient> {
    let repository = crate::git::Repository::discover(root).ok_or(Insufficient::NoRepository)?;
    if root.canonicalize().ok().as_deref() != Some(repository.top()) {
        return Err(Insufficient::NotTop {
            top: repository.top().display().to_string(),
        });
    }
    let mut repo = repository.gix().clone();
    repo.object_cache_size_if_unset(8 * 1024 * 1024);
    let head = repo
        .head_id()
        .map_err(|_| Insufficient::NoCommits)?
        .detach();
    let head_time = commit_time(&repo, head)?;
    let to = now.unwrap_or(head_time);
    let window = Window {
        from: to - Seconds::from(policy.window_days) * DAY,
        to,
        days: policy.window_days,
        ends_at_head: now.is_none(),
    };
    history.window = Some(window);
    let shallow = repo.is_shallow().map_err(|e| {
        Insufficient::Unreadable(format!("cannot tell whether the clone is shallow: {e}"))
    })?;
    if shallow {
        return Err(Insufficient::Shallow);
    }
    let releases = releases(&repo, policy, window.to)?;
    let (before, mut inside): (Vec<Release>, Vec<Release>) =
        releases.into_iter().partition(|r| r.time <= window.from);
    crate::progress::stage("reading history", None);
    let walk = Walk::run(&repo, &before, &inside, head)?;
    history.commits_walked = walk.nodes.len();
    let oldest = walk.oldest;
    let covered = !before.is_empty() || oldest <= window.from;
    for (label, info) in walk.into_commits() {
        match label.checked_sub(1).and_then(|i| inside.get_mut(i)) {
            Some(release) => release.commits.push(info),
            None if info.commit_time <= window.to => history.unreleased.push(info),
            None => {}
        }
    }
    for release in &mut inside {
        release
            .commits
            .sort_by(|a, b| (a.commit_time, &a.id).cmp(&(b.commit_time, &b.id)));
    }
    history
        .unreleased
        .sort_by(|a, b| (a.commit_time, &a.id).cmp(&(b.commit_time, &b.id)));
    let found = inside.len();
    history.previous = before.into_iter().last();
    history.releases = inside;
    if !covered {
        return Err(Insufficient::ShortHistory {
            first_commit: oldest,
        });
    }
    if found < MIN_RELEASES {
        return Err(Insufficient::TooFewReleases { found });
    }
    Ok(())
}

fn commit_time(repo: &gix::Repository, id: ObjectId) -> Result<Seconds, Insufficient> {
    repo.find_commit(id)
        .ok()
        .and_then(|c| c.time().ok())
        .map(|t| t.seconds)
        .ok_or_else(|| Insufficient::Unreadable(format!("commit {id} cannot be read")))
}

/// Release tags up to `to`, one release per commit, oldest first.
fn releases(
    repo: &gix::Repository,
    policy: &DeliveryPolicy,
    to: Seconds,
) -> Result<Vec<Release>, Insufficient> {
    let references = repo
        .references()
        .map_err(|e| Insufficient::Unreadable(format!("cannot list references: {e}")))?;
    let tags = references
        .tags()
        .map_err(|e| Insufficient::Unreadable(format!("cannot list tags: {e}")))?;
    let mut by_commit: HashMap<ObjectId, (Vec<String>, Seconds)> = HashMap::new();
    for reference in tags.flatten() {
        let name = reference.name().shorten().to_string();
        if !tags::is_release(&name, &policy.release_tags, policy.include_prereleases) {
            continue;
        }
        let Some((commit, time)) = peel(repo, reference.id().detach()) else {
            continue;
        };
        let entry = by_commit.entry(commit).or_insert((Vec::new(), time));
        entry.0.push(name);
        entry.1 = entry.1.min(time);
    }
    let mut releases: Vec<Release> = by_commit
        .into_iter()
        .filter(|(_, (_, time))| *time <= to)
        .map(|(commit, (mut names, time))| {
            names.sort();
            let version = names.iter().filter_map(|n| tags::version_of(n)).max();
            Release {
                tags: names,
                version,
                commit: commit.to_string(),
                time,
                commits: Vec::new(),
            }
        })
        .collect();
    releases.sort_by(|a, b| (a.time, &a.version, &a.commit).cmp(&(b.time, &b.version, &b.commit)));
    Ok(releases)
}

/// The commit a tag names, and the release's time: the outermost tag
/// object's tagger time, or the commit's own time for a lightweight tag.
fn peel(repo: &gix::Repository, mut id: ObjectId) -> Option<(ObjectId, Seconds)> {
    let mut tagged_at = None;
    for _ in 0..MAX_TAG_DEPTH {
        let object = repo.find_object(id).ok()?;
        match object.kind {
            gix::object::Kind::Tag => {
                let tag = object.into_tag();
                if tagged_at.is_none() {
                    tagged_at = tag.tagger().ok().flatten().map(|s| s.seconds());
                }
                id = tag.target_id().ok()?.detach();
            }
            gix::object::Kind::Commit => {
                let time = object.into_commit().time().ok()?.seconds;
                return Some((id, tagged_at.unwrap_or(time)));
            }
            _ => return None,
        }
    }
    None
}

/// One commit in the walk.
struct Node {
    time: Seconds,
    label: usize,
    parents: Vec<ObjectId>,
    info: CommitInfo,
}

struct Walk {
    nodes: HashMap<ObjectId, Node>,
    oldest: Seconds,
}

impl Walk {
    /// Paints commits with the earliest release that contains them.
    fn run(
        repo: &gix::Repository,
        before: &[Release],
        inside: &[Release],
        head: ObjectId,
    ) -> Result<Walk, Insufficient> {
        let mut walk = Walk {
            nodes: HashMap::new(),
            oldest: Seconds::MAX,
        };
        let unreleased = inside.len() + 1;
        let mut tips: Vec<(ObjectId, usize)> = Vec::new();
        for r in before {
            tips.extend(
                ObjectId::from_hex(r.commit.as_bytes())
                    .ok()
                    .map(|id| (id, 0)),
            );
        }
        for (i, r) in inside.iter().enumerate() {
            tips.extend(
                ObjectId::from_hex(r.commit.as_bytes())
                    .ok()
                    .map(|id| (id, i + 1)),
            );
        }
        tips.push((head, unreleased));
        // (time, id, label): newest first; ids break ties deterministically.
        let mut queue: BinaryHeap<(Seconds, ObjectId, usize)> = BinaryHeap::new();
        let mut pending_unreleased_work = 0usize;
        for (id, label) in tips {
            if let Some(time) = walk.paint(repo, id, label)? {
                pending_unreleased_work += usize::from(label > 0);
                queue.push((time, id, label));
            }
        }
        let mut slop = SLOP;
        while let Some((_, id, label)) = queue.pop() {
            if label > 0 {
                pending_unreleased_work = pending_unreleased_work.saturating_sub(1);
            }
            let current = walk.nodes.get(&id).map(|n| (n.label, n.parents.clone()));
            let Some((node_label, parents)) = current else {
                continue;
            };
            // A lower label reached this commit after it was queued.
            if node_label != label {
                continue;
            }
            for parent in parents {
                if let Some(time) = walk.paint(repo, parent, label)? {
                    pending_unreleased_work += usize::from(label > 0);
                    queue.push((time, parent, label));
                }
            }
            // Only commits released before the window are left: a few more
            // (against clock skew), then stop.
            if pending_unreleased_work == 0 {
                if slop == 0 {
                    break;
                }
                slop -= 1;
            } else {
                slop = SLOP;
            }
        }
        Ok(walk)
    }

    /// Gives `id` the label if it is lower than its current one; returns
    /// its time when it must be (re)visited.
    fn paint(
        &mut self,
        repo: &gix::Repository,
        id: ObjectId,
        label: usize,
    ) -> Result<Option<Seconds>, Insufficient> {
        if let Some(node) = self.nodes.get_mut(&id) {
            if label < node.label {
                node.label = label;
                return Ok(Some(node.time));
            }
            return Ok(None);
        }
        if self.nodes.len() >= MAX_COMMITS {
            return Err(Insufficient::Unreadable(format!(
                "more than {MAX_COMMITS} commits would have to be read"
            )));
        }
        let node = read_commit(repo, id, label)?;
        crate::progress::advance(1);
        let time = node.time;
        self.oldest = self.oldest.min(time);
        self.nodes.insert(id, node);
        Ok(Some(time))
    }

    /// Every commit painted with a release of the window or HEAD.
    fn into_commits(self) -> impl Iterator<Item = (usize, CommitInfo)> {
        self.nodes
            .into_values()
            .filter(|n| n.label > 0)
            .map(|n| (n.label, n.info))
    }
}

fn read_commit(repo: &gix::Repository, id: ObjectId, label: usize) -> Result<Node, Insufficient> {
    let missing = || Insufficient::Unreadable(format!("commit {id} is missing or corrupt"));
    let commit = repo.find_commit(id).map_err(|_| missing())?;
    let decoded = commit.decode().map_err(|_| missing())?;
    let parents: Vec<ObjectId> = decoded.parents().collect();
    let author = decoded.author().map_err(|_| missing())?;
    let committer_time = decoded.time().map_err(|_| missing())?.seconds;
    let name = author.name.to_string();
    let email = author.email.to_string();
    let bot = BOT
        .as_ref()
        .is_some_and(|re| re.is_match(name.trim()) || re.is_match(email.trim()));
    let raw = decoded.message;
    let message =
        String::from_utf8_lossy(raw.get(..MAX_MESSAGE.min(raw.len())).unwrap_or_default());
    let security_id = SECURITY_ID
        .as_ref()
        .and_then(|re| re.find(&message))
        .map(|m| m.as_str().to_owned());
    let reverts = REVERTS
        .as_ref()
        .map(|re| {
            re.captures_iter(&message)
                .filter_map(|c| c.get(1).map(|m| m.as_str().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    Ok(Node {
        time: committer_time,
        label,
        info: CommitInfo {
            id: id.to_string(),
            author_time: author.seconds(),
            commit_time: committer_time,
            bot,
            merge: parents.len() > 1,
            security_id,
            reverts,
        },
        parents,
    })
}
