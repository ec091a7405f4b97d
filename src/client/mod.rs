//! What components use to talk to the API server besides plain calls: today the event
//! recorder (client-go's `record` package). Informers and work queues live in
//! `controllers::manager`, since every component here shares one thread.

pub mod events;

pub use events::{record_event, EventType};
