//! Integration tests: the real `testigo` binary against real SQLite databases, on the seed
//! article and data of `../shared/data/` (read at test time, never copied) and the bundled
//! examples.

mod cli;
mod crash;
mod hostile;
mod integrity;
mod linking;
mod protect;
mod seed;
mod web;
