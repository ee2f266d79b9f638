//! The SSH side of `serve`: authenticates a client for a seat (to play or to watch it) by
//! its join code or a public key listed for it, serves it one interactive terminal and
//! nothing else, and passes bytes to and from the room.
//! Exec, subsystems (sftp), agent, X11 and port forwarding are all refused: a participant
//! gets the drill screen of their seat, never the machine.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use russh::server::{
    Auth, ChannelOpenHandle, Handler, Msg, PublicKeyOffer, Session, VerifiedPublicKey,
};
use russh::{Channel, ChannelId, Pty};

use super::gate::{Admitted, Gate};
use super::room::{QUEUE_FRAMES, ToRoom};

/// What the server says when a client asks for something other than a terminal.
const TERMINAL_ONLY: &str =
    "tabletop serves each seat as an interactive terminal only: `ssh -p PORT SEAT@HOST`\r\n";

/// Makes one handler per connection.
pub struct Server {
    /// The seats' codes.
    pub gate: Arc<Gate>,
    /// Where connections' bytes go.
    pub room: Sender<ToRoom>,
    /// The last connection's number.
    pub connections: u64,
}

impl russh::server::Server for Server {
    type Handler = Client;

    fn new_client(&mut self, peer: Option<SocketAddr>) -> Client {
        self.connections += 1;
        Client {
            conn: self.connections,
            peer,
            gate: self.gate.clone(),
            room: self.room.clone(),
            admitted: None,
            channel: None,
            size: None,
            joined: false,
        }
    }
}

/// One connection.
pub struct Client {
    conn: u64,
    peer: Option<SocketAddr>,
    gate: Arc<Gate>,
    room: Sender<ToRoom>,
    /// The seat its code or key opened, and whether to watch it.
    admitted: Option<Admitted>,
    /// Its one session channel.
    channel: Option<ChannelId>,
    /// Its terminal, once it asked for one: (columns, rows).
    size: Option<(u16, u16)>,
    /// Whether the room has it.
    joined: bool,
}

/// A terminal dimension as the UI takes it (absurd sizes are capped, not trusted).
fn dimension(n: u32) -> u16 {
    u16::try_from(n.min(1000)).unwrap_or(1000)
}

impl Client {
    /// Refuses a request on the channel, says why, and closes it.
    fn refuse(&self, channel: ChannelId, session: &mut Session) -> Result<(), russh::Error> {
        session.channel_failure(channel)?;
        session.extended_data(channel, 1, TERMINAL_ONLY.as_bytes().to_vec())?;
        session.exit_status_request(channel, 1)?;
        session.close(channel)
    }
}

impl Handler for Client {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        match self.gate.check(self.peer.map(|p| p.ip()), user, password) {
            Ok(admitted) => {
                self.admitted = Some(admitted);
                Ok(Auth::Accept)
            }
            Err(_) => Ok(Auth::reject()),
        }
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        // Only a key listed for this login is worth the client's signature; the others
        // are not guesses (a client offers every key it has), so they cost no code tries.
        if self.gate.check_key(user, offer.public_key).is_some() {
            Ok(Auth::Accept)
        } else {
            Ok(Auth::reject())
        }
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        match self.gate.check_key(user, key.public_key) {
            Some(admitted) => {
                self.admitted = Some(admitted);
                Ok(Auth::Accept)
            }
            None => Ok(Auth::reject()),
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One seat, one screen: a second session channel on the connection is refused
        // (dropping the reply refuses it).
        if self.channel.is_none() {
            self.channel = Some(channel.id());
            reply.accept().await;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        columns: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if Some(channel) != self.channel {
            return session.channel_failure(channel);
        }
        self.size = Some((dimension(columns), dimension(rows)));
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (Some(Admitted { seat, observer }), Some(size)) = (self.admitted.clone(), self.size)
        else {
            // `ssh -T`: no terminal to draw a seat on.
            return self.refuse(channel, session);
        };
        if Some(channel) != self.channel || self.joined {
            return self.refuse(channel, session);
        }
        let (out, mut frames) = tokio::sync::mpsc::channel::<Vec<u8>>(QUEUE_FRAMES);
        let handle = session.handle();
        tokio::spawn(async move {
            while let Some(frame) = frames.recv().await {
                // Waits while the client's window is full: only this connection's queue
                // backs up, and the room drops its frames meanwhile.
                if handle.data(channel, frame).await.is_err() {
                    return;
                }
            }
            // The room let go of the connection: it quit, or the server is stopping.
            let _ = handle.exit_status_request(channel, 0).await;
            let _ = handle.eof(channel).await;
            let _ = handle.close(channel).await;
        });
        let peer = self.peer.map_or_else(|| "unknown".to_owned(), |p| p.ip().to_string());
        self.joined = self
            .room
            .send(ToRoom::Join { conn: self.conn, seat, observer, peer, size, out })
            .is_ok();
        session.channel_success(channel)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _command: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse(channel, session)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse(channel, session)
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.joined {
            let _ = self.room.send(ToRoom::Input { conn: self.conn, bytes: data.to_vec() });
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        columns: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let size = (dimension(columns), dimension(rows));
        self.size = Some(size);
        if self.joined {
            let _ = self.room.send(ToRoom::Resize { conn: self.conn, size });
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.leave();
        Ok(())
    }
}

impl Client {
    fn leave(&mut self) {
        if self.joined {
            self.joined = false;
            let _ = self.room.send(ToRoom::Leave { conn: self.conn });
        }
    }
}

impl Drop for Client {
    /// A connection that drops without closing its channel (a killed client, a lost
    /// network) leaves the room all the same.
    fn drop(&mut self) {
        self.leave();
    }
}
