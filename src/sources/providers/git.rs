//! Keys the CI providers share (GitHub Actions, GitHub checks, GitLab): which repository, and
//! which commit or ref its CI is asked about.

use super::keys::Key;
use crate::config::Given;
use crate::setup::ReleaseInfo;

pub static REPO: Key = Key::text("repo", "the repository, \"owner/name\"");

pub static COMMIT: Key = Key::text(
    "commit",
    "the commit whose CI counts (default: the release's)",
);

pub static REF: Key = Key::text("ref", "a branch or tag instead of a commit");

/// `repo = "owner/name"`, split.
pub fn owner_name(given: &mut Given) -> Option<(String, String)> {
    let repo = given.required(&REPO, "\"owner/name\"")?;
    match repo.split('/').collect::<Vec<_>>().as_slice() {
        [owner, name] if !owner.is_empty() && !name.is_empty() => {
            Some((owner.to_string(), name.to_string()))
        }
        _ => {
            given.invalid(&REPO, &repo, "\"owner/name\"");
            None
        }
    }
}

/// `commit` (default: the release's) or `ref`, as the API's query parameter.
pub fn commit_or_ref(
    given: &mut Given,
    release: &ReleaseInfo,
    commit_key: &'static str,
    ref_key: &'static str,
) -> Option<(&'static str, String)> {
    match (given.text(&COMMIT), given.text(&REF)) {
        (Some(_), Some(_)) => {
            given.problem(&REF, "set either commit or ref, not both");
            None
        }
        (Some(c), None) => Some((commit_key, given.fill(&COMMIT, c, release)?)),
        (None, Some(r)) => Some((ref_key, given.fill(&REF, r, release)?)),
        (None, None) => match &release.commit {
            Some(c) => Some((commit_key, c.clone())),
            None => {
                given.missing(
                    &COMMIT,
                    "the commit whose CI counts: set release.commit, or commit or ref here",
                );
                None
            }
        },
    }
}
