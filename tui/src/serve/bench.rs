//! `tabletop bench --seats N`: what serving a drill to many seats costs the server. The
//! room runs as `serve` runs it, at top speed, with N clients joined round-robin to the
//! teams' seats at 160x48, each reading its frames at once and one of them pressing a key
//! every loop; no network, so the figure is the room's own cost per frame.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tabletop_engine::{Drill, Scenario};

use super::POLL;
use super::room::{QUEUE_FRAMES, Room, ToRoom};
use crate::app::SPEEDS;
use crate::ui::theme::Theme;

/// What serving many seats cost.
#[derive(Debug, serde::Serialize)]
pub struct SeatsBench {
    /// Clients joined.
    pub seats: u32,
    /// Wall time the room ran, in seconds.
    pub wall_s: f64,
    /// Simulated minutes that passed.
    pub simulated_min: u32,
    /// Simulated minutes the top speed asks for in that wall time.
    pub expected_min: u32,
    /// Frames drawn for all clients.
    pub frames: u64,
    /// Frames dropped (a client's queue was full).
    pub dropped: u64,
    /// Mean milliseconds of server time per frame (the seat's view and drawing).
    pub frame_mean_ms: f64,
    /// The slowest frame.
    pub frame_max_ms: f64,
    /// Share of one core the room kept busy (clock, input and frames).
    pub busy_pct: f64,
}

/// Serves `scenario` to `seats` clients for `wall` of wall time at top speed.
pub fn seats(scenario: Arc<Scenario>, seed: u64, seats: u32, wall: Duration) -> SeatsBench {
    let teams: Vec<String> = scenario.teams.iter().map(|t| t.id.clone()).collect();
    let mut room =
        Room::new(Drill::new(scenario, seed), "bench.log".into(), Theme { colour: true });
    let mut clients = Vec::new();
    for conn in 0..u64::from(seats) {
        let seat = teams.get(conn as usize % teams.len().max(1)).cloned().unwrap_or_default();
        let (out, frames) = tokio::sync::mpsc::channel(QUEUE_FRAMES);
        let peer = format!("10.0.0.{conn}");
        room.handle(ToRoom::Join { conn, seat, observer: false, peer, size: (160, 48), out });
        clients.push(frames);
    }
    let start_min = room.console.session.as_ref().map_or(0, |s| s.drill.now().0);
    if let Some(s) = room.console.session.as_mut() {
        s.paused = false;
        s.speed = SPEEDS.len() - 1;
    }
    let started = Instant::now();
    let mut last = started;
    let mut busy = Duration::ZERO;
    let mut turn = 0u64;
    while started.elapsed() < wall {
        let now = Instant::now();
        room.handle(ToRoom::Input { conn: turn % u64::from(seats.max(1)), bytes: b"j".to_vec() });
        turn += 1;
        room.tick(now - last);
        last = now;
        busy += now.elapsed();
        for frames in &mut clients {
            while frames.try_recv().is_ok() {}
        }
        std::thread::sleep(POLL.saturating_sub(now.elapsed()));
    }
    let wall_s = started.elapsed().as_secs_f64();
    let end_min = room.console.session.as_ref().map_or(0, |s| s.drill.now().0);
    let top = SPEEDS.last().copied().unwrap_or(1);
    let stats = room.stats;
    let frames = stats.drawn.max(1);
    SeatsBench {
        seats,
        wall_s,
        simulated_min: end_min - start_min,
        expected_min: (wall_s * f64::from(top) / 60.0) as u32,
        frames: stats.drawn,
        dropped: stats.dropped,
        frame_mean_ms: stats.total.as_secs_f64() * 1e3 / frames as f64,
        frame_max_ms: stats.worst.as_secs_f64() * 1e3,
        busy_pct: busy.as_secs_f64() * 100.0 / wall_s.max(1e-9),
    }
}
