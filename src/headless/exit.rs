//! Exit codes: one per verdict, so a pipeline step can gate on `gonogo check`.
//!
//! | code | meaning                                                            |
//! |------|--------------------------------------------------------------------|
//! | 0    | GO or COMPLETE                                                     |
//! | 1    | internal error: the check could not be made (journal unreadable, …) |
//! | 2    | config error (or a bad command line)                               |
//! | 3    | HOLD                                                               |
//! | 4    | NO-GO UNTIL VERIFIED (also: a source did not answer in time)        |
//! | 5    | ROLLBACK ADVISED                                                   |

use crate::core::verdict::VerdictKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Go,
    Internal,
    Config,
    Hold,
    NoGo,
    Rollback,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Go => 0,
            Exit::Internal => 1,
            Exit::Config => 2,
            Exit::Hold => 3,
            Exit::NoGo => 4,
            Exit::Rollback => 5,
        }
    }

    pub fn of(kind: VerdictKind) -> Exit {
        match kind {
            VerdictKind::Go | VerdictKind::Complete => Exit::Go,
            VerdictKind::Hold => Exit::Hold,
            VerdictKind::NoGoUntilVerified => Exit::NoGo,
            VerdictKind::RollbackAdvised => Exit::Rollback,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_has_its_own_code_and_none_collides_with_errors() {
        let kinds = [
            VerdictKind::RollbackAdvised,
            VerdictKind::NoGoUntilVerified,
            VerdictKind::Hold,
            VerdictKind::Go,
        ];
        let mut codes: Vec<u8> = kinds.iter().map(|k| Exit::of(*k).code()).collect();
        codes.extend([Exit::Internal.code(), Exit::Config.code()]);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len(), "codes {codes:?}");
        assert_eq!(Exit::of(VerdictKind::Complete).code(), 0);
    }
}
