//! DORA performance bands, as data: each figure's upper bounds for the
//! elite, high and medium bands (anything above is low).

use schemars::JsonSchema;
use serde::Serialize;

use crate::policy::BandScheme;

/// A performance band, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Elite,
    High,
    Medium,
    Low,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Elite => "elite",
            Band::High => "high",
            Band::Medium => "medium",
            Band::Low => "low",
        }
    }
}

/// Upper bounds of the elite, high and medium bands; `inclusive` says
/// whether a value equal to a bound is still in the band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub bounds: [f64; 3],
    pub inclusive: bool,
}

impl Scale {
    pub fn band(&self, value: f64) -> Band {
        let within = |bound: f64| {
            if self.inclusive {
                value <= bound
            } else {
                value < bound
            }
        };
        match self.bounds {
            [elite, _, _] if within(elite) => Band::Elite,
            [_, high, _] if within(high) => Band::High,
            [_, _, medium] if within(medium) => Band::Medium,
            _ => Band::Low,
        }
    }
}

/// The scales of one published report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scales {
    /// Median days between releases (deployment frequency: on demand,
    /// weekly, monthly, less often).
    pub release_cadence_days: Scale,
    pub lead_time_days: Scale,
    pub change_failure_rate: Scale,
    pub time_to_restore_days: Scale,
}

const HOUR: f64 = 1.0 / 24.0;

/// State of DevOps 2023 (the DevLake DORA dashboard's thresholds).
pub const DORA_2023: Scales = Scales {
    release_cadence_days: Scale {
        bounds: [1.0, 7.0, 30.0],
        inclusive: true,
    },
    lead_time_days: Scale {
        bounds: [1.0, 7.0, 30.0],
        inclusive: false,
    },
    change_failure_rate: Scale {
        bounds: [0.05, 0.10, 0.15],
        inclusive: true,
    },
    time_to_restore_days: Scale {
        bounds: [HOUR, 1.0, 7.0],
        inclusive: false,
    },
};

/// State of DevOps 2021.
pub const DORA_2021: Scales = Scales {
    release_cadence_days: Scale {
        bounds: [1.0, 30.0, 182.0],
        inclusive: true,
    },
    lead_time_days: Scale {
        bounds: [HOUR, 7.0, 180.0],
        inclusive: false,
    },
    change_failure_rate: Scale {
        bounds: [0.15, 0.20, 0.30],
        inclusive: true,
    },
    time_to_restore_days: Scale {
        bounds: [HOUR, 1.0, 7.0],
        inclusive: false,
    },
};

pub fn scales(scheme: BandScheme) -> &'static Scales {
    match scheme {
        BandScheme::Dora2023 => &DORA_2023,
        BandScheme::Dora2021 => &DORA_2021,
    }
}

pub fn scheme_name(scheme: BandScheme) -> &'static str {
    match scheme {
        BandScheme::Dora2023 => "dora-2023",
        BandScheme::Dora2021 => "dora-2021",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_follow_the_published_tables() {
        let s = DORA_2023;
        assert_eq!(s.lead_time_days.band(0.5), Band::Elite);
        assert_eq!(s.lead_time_days.band(1.0), Band::High);
        assert_eq!(s.lead_time_days.band(29.9), Band::Medium);
        assert_eq!(s.lead_time_days.band(30.0), Band::Low);
        assert_eq!(s.change_failure_rate.band(0.05), Band::Elite);
        assert_eq!(s.change_failure_rate.band(0.15), Band::Medium);
        assert_eq!(s.change_failure_rate.band(0.16), Band::Low);
        assert_eq!(s.time_to_restore_days.band(0.5), Band::High);
        assert_eq!(s.release_cadence_days.band(7.0), Band::High);
        assert_eq!(DORA_2021.lead_time_days.band(0.5), Band::High);
    }
}
