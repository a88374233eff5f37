//! In-memory todos.

use std::sync::{Arc, Mutex};

use serde::Serialize;

/// One todo.
#[derive(Clone, Serialize)]
pub struct Todo {
    pub id: u64,
    pub title: String,
}

/// The todos, shared between requests.
#[derive(Clone, Default)]
pub struct Store {
    todos: Arc<Mutex<Vec<Todo>>>,
}

impl Store {
    /// Every todo.
    pub fn all(&self) -> Vec<Todo> {
        self.todos.lock().map(|t| t.clone()).unwrap_or_default()
    }
}
