//! A client's terminal as ratatui sees it. Drawing goes through crossterm's escape
//! sequences into a buffer the room sends away; the size is the one the client reported,
//! and nothing ever asks the server's own terminal (crossterm's backend would query the
//! local tty for its size and cursor, and wait for an answer that never comes headless).

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

/// The bytes of the frame being drawn for a client, shared between its backend (which
/// writes them) and the room (which takes them to the client's queue).
#[derive(Clone, Default)]
pub struct FrameBytes(Rc<RefCell<Vec<u8>>>);

impl FrameBytes {
    /// The bytes written since the last take.
    pub fn take(&self) -> Vec<u8> {
        self.0.try_borrow_mut().map(|mut b| std::mem::take(&mut *b)).unwrap_or_default()
    }
}

impl Write for FrameBytes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut b = self.0.try_borrow_mut().map_err(io::Error::other)?;
        b.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The backend of one remote terminal.
pub struct RemoteBackend {
    inner: CrosstermBackend<FrameBytes>,
    size: Size,
    cursor: Position,
}

impl RemoteBackend {
    /// A backend writing into `bytes` for a terminal of `size`.
    pub fn new(bytes: FrameBytes, size: Size) -> Self {
        RemoteBackend { inner: CrosstermBackend::new(bytes), size, cursor: Position::ORIGIN }
    }

    /// The client's terminal changed size.
    pub fn set_size(&mut self, size: Size) {
        self.size = size;
    }
}

impl Backend for RemoteBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.cursor = position.into();
        self.inner.set_cursor_position(self.cursor)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize { columns_rows: self.size, pixels: Size::default() })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}
