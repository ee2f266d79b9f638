//! `tabletop bench`: what a drill of a scenario or a generated estate costs to simulate.
//!
//! Builds the drill (timed), then advances it tick by tick while the teams act: every
//! simulated hour each team that may isolate and reconnect isolates a system (reconnecting
//! the one it isolated the hour before), and each team that may investigate starts an
//! investigation, on systems picked deterministically from the seed, so actions are always
//! in flight. Reports build time, ticks per second, nanoseconds per system-tick and peak
//! memory.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tabletop_engine::generate::generate_estate;
use tabletop_engine::scenario::Minutes;
use tabletop_engine::{Command, Drill, Scenario, Seat};

use super::{EXIT_USAGE, load};

/// Arguments of `tabletop bench`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["scenario", "generate", "launcher"])))]
pub struct Args {
    /// Scenario file, or the name of a bundled scenario.
    scenario: Option<String>,
    /// Simulate a generated estate of this many systems (1 to 1,000,000) instead of a
    /// scenario.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_SYSTEMS))]
    generate: Option<u32>,
    /// Ticks to simulate, at most 10,000,000 (default: to the scenario's end). A drill
    /// shorter than that is lengthened to fit.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=MAX_TICKS))]
    ticks: Option<u32>,
    /// Seed of the generator, the drill and the teams' choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print the measurements as JSON.
    #[arg(long)]
    json: bool,
    /// Also time this many UI frames (a team's screen and the facilitator's, 160x48) over
    /// the drill's last ticks, one tick between frames: reading the seat's view and drawing
    /// it after the drill moved.
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=MAX_FRAMES))]
    frames: u32,
    /// Also serve the drill, as `serve` does, to this many seats (round-robin over the
    /// teams, 160x48) for `--wall` seconds at top speed: does the clock keep pace, and
    /// what does a frame cost the server?
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    seats: Option<u32>,
    /// Time what `tabletop play` does before its first frame: read and check every bundled
    /// scenario and draw the launcher (160x48), then report the peak memory at that point.
    /// The process's own start (exec, loading) comes on top: time `tabletop --version`.
    #[arg(long, conflicts_with_all = ["frames", "seats", "json"])]
    launcher: bool,
    /// Wall seconds of the `--seats` run.
    #[arg(long, value_name = "S", default_value_t = 10, requires = "seats",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    wall: u64,
}

/// The largest generated estate: a million systems fit in a few GiB; more would only fail to
/// allocate.
const MAX_SYSTEMS: i64 = 1_000_000;
/// The most ticks a bench simulates: about 19 years of one-minute ticks.
const MAX_TICKS: i64 = 10_000_000;
/// The most UI frames a bench draws.
const MAX_FRAMES: i64 = 1_000_000;

/// What drawing the UI costs.
#[derive(Debug, serde::Serialize)]
struct Frames {
    /// Frames drawn per seat.
    frames: u32,
    /// A team's screen: mean and worst milliseconds per frame.
    team_mean_ms: f64,
    /// Worst team frame.
    team_max_ms: f64,
    /// The facilitator's console: mean milliseconds per frame.
    facilitator_mean_ms: f64,
    /// Worst facilitator frame.
    facilitator_max_ms: f64,
}

/// Times `n` frames of each kind of screen over the last `2n` of `ticks` ticks, one tick
/// between frames (not timed). A frame is what the UI loop does per frame when the clock
/// moves: read the seat's view, then draw.
fn frames(scenario: Arc<Scenario>, seed: u64, ticks: u32, n: u32) -> Option<Frames> {
    use crate::app::{App, SeatMode, Session};
    let mut drill = Drill::new(scenario.clone(), seed);
    drill.advance(ticks.saturating_sub(n.max(1).saturating_mul(2)));
    let team = scenario.teams.first()?.id.clone();
    let time = |mode: SeatMode, drill: Drill| -> Option<(f64, f64, Drill)> {
        let mut app = App::new(Vec::new(), seed, None, |_, _, _| Err("bench".into()));
        app.with_session(Session::new(drill, "bench.log".into(), mode));
        app.screen = crate::app::Screen::Drill;
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).ok()?;
        let theme = crate::ui::theme::Theme { colour: true };
        let (mut total, mut worst) = (0.0f64, 0.0f64);
        for _ in 0..n.max(1) {
            if let Some(s) = app.session.as_mut() {
                s.drill.advance(1);
            }
            let start = Instant::now();
            if let Some(s) = app.session.as_mut() {
                s.refresh();
            }
            terminal.draw(|f| crate::ui::render(&app, f, theme)).ok()?;
            let took = start.elapsed().as_secs_f64() * 1000.0;
            total += took;
            worst = worst.max(took);
        }
        let drill = app.session.take()?.drill;
        Some((total / f64::from(n.max(1)), worst, drill))
    };
    let (team_mean_ms, team_max_ms, drill) = time(SeatMode::Team(team), drill)?;
    let (facilitator_mean_ms, facilitator_max_ms, _) = time(SeatMode::Facilitator, drill)?;
    Some(Frames { frames: n, team_mean_ms, team_max_ms, facilitator_mean_ms, facilitator_max_ms })
}

/// What one bench run measured.
#[derive(Debug, serde::Serialize)]
struct Report {
    scenario: String,
    systems: usize,
    teams: usize,
    seed: u64,
    ticks: u64,
    /// Drill time simulated, as text.
    simulated: String,
    /// Generating, or reading and checking, the scenario.
    prepare_ms: f64,
    build_ms: f64,
    simulate_ms: f64,
    /// Of which submitting the teams' commands (validation against the world).
    submit_ms: f64,
    /// Of which advancing the clock: the ticks themselves.
    advance_ms: f64,
    total_ms: f64,
    ticks_per_second: f64,
    ns_per_tick: f64,
    ns_per_system_tick: f64,
    /// The same three over the time spent advancing only (commands left out).
    advancing_ticks_per_second: f64,
    advancing_ns_per_tick: f64,
    advancing_ns_per_system_tick: f64,
    commands_accepted: u64,
    commands_refused: u64,
    events: usize,
    /// Peak resident memory (VmHWM), where the platform tells.
    peak_memory_kib: Option<u64>,
}

/// Runs the bench: exit 0, or 1 when the scenario is broken.
pub fn run(args: &Args) -> ExitCode {
    if args.launcher {
        return launcher();
    }
    let started = Instant::now();
    let (name, scenario) = match (&args.scenario, args.generate) {
        (_, Some(n)) => {
            let s = generate_estate(n as usize, args.seed);
            (s.meta.id.clone(), s)
        }
        (Some(arg), None) => match load::scenario(arg) {
            Ok(l) => (l.name, (*l.scenario).clone()),
            Err(load::Failed(code)) => return ExitCode::from(code),
        },
        (None, None) => {
            eprintln!("error: give a scenario or --generate N");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let prepare = started.elapsed();
    let tick = scenario.meta.tick.0.max(1);
    let ticks = args.ticks.unwrap_or(scenario.meta.duration.0.div_ceil(tick));
    let scenario = lengthened(scenario, ticks);
    let scenario = Arc::new(scenario);
    let report = measure(&name, scenario.clone(), ticks, args.seed, prepare);
    let ui = (args.frames > 0)
        .then(|| frames(scenario.clone(), args.seed, ticks, args.frames))
        .flatten();
    let served = args
        .seats
        .map(|n| crate::serve::seats(scenario, args.seed, n, Duration::from_secs(args.wall)));
    if args.json {
        let json = serde_json::json!({ "engine": report, "ui": ui, "serve": served });
        match serde_json::to_string_pretty(&json) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("error: cannot write JSON: {e}"),
        }
    } else {
        print(&report);
        if let Some(f) = ui {
            println!(
                "{:<12} team screen {:.2} ms mean, {:.2} ms worst; facilitator {:.2} ms mean, {:.2} ms worst ({} frames each, 160x48)",
                "ui frame",
                f.team_mean_ms,
                f.team_max_ms,
                f.facilitator_mean_ms,
                f.facilitator_max_ms,
                f.frames
            );
        }
        if let Some(b) = served {
            println!(
                "{:<12} {} seats for {:.1} s at top speed: clock {} of {} simulated minutes; {} frames ({} dropped), {:.2} ms mean, {:.2} ms worst; room busy {:.0}% of a core",
                "serve",
                b.seats,
                b.wall_s,
                b.simulated_min,
                b.expected_min,
                b.frames,
                b.dropped,
                b.frame_mean_ms,
                b.frame_max_ms,
                b.busy_pct
            );
        }
    }
    ExitCode::SUCCESS
}

/// The scenario, its duration stretched to hold `ticks` ticks if it is shorter.
fn lengthened(mut scenario: Scenario, ticks: u32) -> Scenario {
    let tick = scenario.meta.tick.0.max(1);
    let needed = Minutes(ticks.saturating_mul(tick));
    if needed > scenario.meta.duration {
        scenario.meta.duration = needed;
    }
    scenario
}

/// A deterministic pick in `0..n` from the seed, an hour and a stream.
fn pick(seed: u64, hour: u64, stream: u64, n: usize) -> usize {
    // SplitMix64 of the three: cheap, and the same on every platform.
    let mut z = seed
        .wrapping_add(hour.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % n.max(1) as u64) as usize
}

/// One team's standing orders.
struct Seatwork {
    seat: Seat,
    stream: u64,
    isolates: bool,
    investigates: bool,
    isolated: Option<String>,
}

fn measure(
    name: &str,
    scenario: Arc<Scenario>,
    ticks: u32,
    seed: u64,
    prepare: Duration,
) -> Report {
    let systems: Vec<String> = scenario.estate.systems.iter().map(|s| s.id.clone()).collect();
    let mut seats: Vec<Seatwork> = scenario
        .teams
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let may = |a: &str| t.actions.iter().any(|x| x == a);
            Seatwork {
                seat: Seat::Team(t.id.clone()),
                stream: i as u64,
                isolates: may("isolate") && may("reconnect"),
                investigates: may("investigate"),
                isolated: None,
            }
        })
        .collect();
    let teams = seats.len();

    let built = Instant::now();
    let mut drill = Drill::new(scenario.clone(), seed);
    let build = built.elapsed();

    let tick = u64::from(scenario.meta.tick.0.max(1));
    let (mut accepted, mut refused) = (0u64, 0u64);
    let mut done: u64 = 0;
    let (mut submitting, mut advancing) = (Duration::ZERO, Duration::ZERO);
    let simulating = Instant::now();
    while done < u64::from(ticks) && !drill.is_over() {
        let now = u64::from(drill.now().0);
        if now % 60 < tick && !systems.is_empty() {
            let hour = now / 60;
            for s in &mut seats {
                let mut orders = Vec::new();
                if s.isolates {
                    match s.isolated.take() {
                        Some(id) => orders.push(("reconnect", id)),
                        None => {
                            let id = systems[pick(seed, hour, s.stream, systems.len())].clone();
                            s.isolated = Some(id.clone());
                            orders.push(("isolate", id));
                        }
                    }
                }
                if s.investigates {
                    let id = systems[pick(seed, hour, s.stream + 1000, systems.len())].clone();
                    orders.push(("investigate", id));
                }
                for (action, target) in orders {
                    let command = Command::Start {
                        action: action.into(),
                        target: Some(target),
                        overrule: false,
                    };
                    let t = Instant::now();
                    let result = drill.submit(&s.seat, command);
                    submitting += t.elapsed();
                    match result {
                        Ok(_) => accepted += 1,
                        Err(_) => refused += 1,
                    }
                }
            }
        }
        // Run to the next hour boundary (or the end) in one call.
        let to_hour = (60 - now % 60).div_ceil(tick).max(1);
        let step = to_hour.min(u64::from(ticks) - done);
        let before = drill.now().0;
        let t = Instant::now();
        drill.advance(u32::try_from(step).unwrap_or(u32::MAX));
        advancing += t.elapsed();
        done += u64::from(drill.now().0 - before).div_ceil(tick);
    }
    let simulate = simulating.elapsed();

    let per_second = |d: Duration| {
        let secs = d.as_secs_f64();
        if secs > 0.0 { done as f64 / secs } else { 0.0 }
    };
    let per_tick = |d: Duration| if done > 0 { d.as_secs_f64() * 1e9 / done as f64 } else { 0.0 };
    let size = systems.len().max(1) as f64;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    Report {
        scenario: name.to_owned(),
        systems: systems.len(),
        teams,
        seed,
        ticks: done,
        simulated: Minutes(u32::try_from(done * tick).unwrap_or(u32::MAX)).to_string(),
        prepare_ms: ms(prepare),
        build_ms: ms(build),
        simulate_ms: ms(simulate),
        submit_ms: ms(submitting),
        advance_ms: ms(advancing),
        total_ms: ms(build + simulate),
        ticks_per_second: per_second(simulate),
        ns_per_tick: per_tick(simulate),
        ns_per_system_tick: per_tick(simulate) / size,
        advancing_ticks_per_second: per_second(advancing),
        advancing_ns_per_tick: per_tick(advancing),
        advancing_ns_per_system_tick: per_tick(advancing) / size,
        commands_accepted: accepted,
        commands_refused: refused,
        events: drill.events_since(0).len(),
        peak_memory_kib: peak_memory_kib(),
    }
}

/// Times the launcher's first frame from here: the bundled scenarios read and checked, the
/// launcher drawn once.
fn launcher() -> ExitCode {
    let started = Instant::now();
    let app =
        crate::app::App::new(crate::bundled::offers(), 1, None, |_, _, _| Err("bench".into()));
    let drawn =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).and_then(|mut t| {
            t.draw(|f| crate::ui::render(&app, f, crate::ui::theme::Theme { colour: true }))
                .map(|_| ())
        });
    let took = started.elapsed().as_secs_f64() * 1000.0;
    if let Err(e) = drawn {
        eprintln!("error: cannot draw the launcher: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "{:<12} {took:.2} ms to the first frame ({} bundled scenarios)",
        "launcher",
        app.offers.len()
    );
    match peak_memory_kib() {
        Some(kib) => println!("{:<12} {:.1} MiB", "peak memory", kib as f64 / 1024.0),
        None => println!("{:<12} not told by this platform", "peak memory"),
    }
    ExitCode::SUCCESS
}

/// Peak resident set size of this process in KiB (VmHWM), on Linux.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn print(r: &Report) {
    let rows = [
        (
            "scenario",
            format!("{} ({} systems, {} teams), seed {}", r.scenario, r.systems, r.teams, r.seed),
        ),
        ("prepare", format!("{:.1} ms (generate, or read and check)", r.prepare_ms)),
        ("build", format!("{:.1} ms", r.build_ms)),
        (
            "simulate",
            format!(
                "{:.1} ms for {} ticks ({} of drill time)",
                r.simulate_ms, r.ticks, r.simulated
            ),
        ),
        ("  submit", format!("{:.1} ms of it validating the teams' commands", r.submit_ms)),
        ("  advance", format!("{:.1} ms of it running ticks", r.advance_ms)),
        ("total", format!("{:.1} ms (build + simulate)", r.total_ms)),
        (
            "ticks/s",
            format!(
                "{:.0} ({:.0} advancing only)",
                r.ticks_per_second, r.advancing_ticks_per_second
            ),
        ),
        (
            "per tick",
            format!("{:.0} ns ({:.0} ns advancing only)", r.ns_per_tick, r.advancing_ns_per_tick),
        ),
        (
            "system-tick",
            format!(
                "{:.2} ns ({:.2} ns advancing only)",
                r.ns_per_system_tick, r.advancing_ns_per_system_tick
            ),
        ),
        ("commands", format!("{} accepted, {} refused", r.commands_accepted, r.commands_refused)),
        ("events", r.events.to_string()),
        (
            "peak memory",
            r.peak_memory_kib.map_or("n/a".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
        ),
    ];
    for (k, v) in rows {
        println!("{k:<12} {v}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_are_deterministic_and_in_range() {
        for h in 0..100 {
            assert_eq!(pick(7, h, 1, 13), pick(7, h, 1, 13));
            assert!(pick(7, h, 1, 13) < 13);
        }
        assert_eq!(pick(1, 2, 3, 0), 0);
    }

    #[test]
    fn a_generated_day_runs_with_teams_acting() {
        let s = generate_estate(100, 3);
        let r = measure("g", Arc::new(s), 300, 3, Duration::ZERO);
        assert_eq!(r.ticks, 300);
        assert_eq!(r.systems, 100);
        assert!(r.commands_accepted >= 5, "{r:?}");
    }

    #[test]
    fn short_drills_are_lengthened() {
        let s = lengthened(generate_estate(20, 1), 5_000);
        assert_eq!(s.meta.duration, Minutes(5_000));
        let s = lengthened(generate_estate(20, 1), 10);
        assert_eq!(s.meta.duration, Minutes::hours(24));
    }
}
