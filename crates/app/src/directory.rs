//! 机关目录缓存 — the agency directory in memory: the agencies, each one's settings, departments and
//! published report years, and the working-day calendar. Every public page reads them and they
//! change a few times a year, so a page should not pay a database round trip for each.
//!
//! Consistency: a change made through this [`App`](crate::App) (an agency or department created,
//! settings changed, a report published, a calendar imported) is seen by its next read — the
//! change invalidates the whole directory. A change made by another server on the same database
//! (or by the CLI) is seen within the time to live, [`DEFAULT_TTL`] unless the deployment sets
//! `directory_cache_ms`; a time to live of zero reads the database every time. Requests, their
//! ledgers and reports are never cached here: they are read fresh on every call.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use gongkai_domain::agency::AgencySettings;
use gongkai_domain::calendar::Calendar;
use gongkai_store::{Agency, Department};

use crate::Result;

/// How long another server's change may go unseen, by default.
pub const DEFAULT_TTL: Duration = Duration::from_secs(2);

/// The agencies in the store's order, with an index by slug.
#[derive(Debug, Default)]
pub(crate) struct AgencyIndex {
    pub list: Vec<Agency>,
    by_slug: HashMap<String, usize>,
}

impl AgencyIndex {
    pub fn new(list: Vec<Agency>) -> Self {
        let by_slug = list
            .iter()
            .enumerate()
            .map(|(i, a)| (a.slug.clone(), i))
            .collect();
        AgencyIndex { list, by_slug }
    }

    pub fn get(&self, slug: &str) -> Option<&Agency> {
        self.by_slug.get(slug).map(|&i| &self.list[i])
    }
}

/// The cached parts of the directory. Keys are agency ids of agencies that exist, so each map
/// holds at most one entry per agency.
pub(crate) struct Directory {
    ttl: Duration,
    /// Bumped by every change made through this App: an entry loaded under an older generation
    /// is not used, and a load that began before a change does not store what it read.
    generation: Arc<AtomicU64>,
    pub agencies: Cached<(), Arc<AgencyIndex>>,
    pub settings: Cached<i64, Arc<AgencySettings>>,
    pub departments: Cached<i64, Arc<Vec<Department>>>,
    pub report_years: Cached<i64, Arc<Vec<i32>>>,
    pub calendar: Cached<(), Arc<Calendar>>,
}

impl Directory {
    pub fn new(ttl: Duration) -> Self {
        let generation = Arc::new(AtomicU64::new(0));
        Directory {
            ttl,
            agencies: Cached::new(generation.clone()),
            settings: Cached::new(generation.clone()),
            departments: Cached::new(generation.clone()),
            report_years: Cached::new(generation.clone()),
            calendar: Cached::new(generation.clone()),
            generation,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Forgets everything: called after every change to the directory made through this App.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The value under `key` in `part` if it is fresh, else what `load` reads (kept for the
    /// next caller unless the directory changed meanwhile).
    pub async fn get<K, V, F, Fut>(&self, part: &Cached<K, V>, key: K, load: F) -> Result<V>
    where
        K: Eq + Hash,
        V: Clone,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>>,
    {
        if self.ttl.is_zero() {
            return load().await;
        }
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some(value) = part.fresh(&key, generation, self.ttl) {
            return Ok(value);
        }
        let value = load().await?;
        part.keep(key, generation, value.clone());
        Ok(value)
    }
}

/// One part of the directory: values by key, each with when and under which generation it
/// was read.
pub(crate) struct Cached<K, V> {
    current: Arc<AtomicU64>,
    entries: Mutex<HashMap<K, Entry<V>>>,
}

struct Entry<V> {
    read_at: Instant,
    generation: u64,
    value: V,
}

impl<K: Eq + Hash, V: Clone> Cached<K, V> {
    fn new(current: Arc<AtomicU64>) -> Self {
        Cached {
            current,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn fresh(&self, key: &K, generation: u64, ttl: Duration) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.read_at.elapsed() < ttl)
            .map(|e| e.value.clone())
    }

    /// Keeps `value`, read under `generation`, unless the directory has changed since.
    fn keep(&self, key: K, generation: u64, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked under the lock: a change that bumps the generation after this check makes
        // the entry stale for every later `fresh`.
        if self.current.load(Ordering::SeqCst) == generation {
            entries.insert(
                key,
                Entry {
                    read_at: Instant::now(),
                    generation,
                    value,
                },
            );
        }
    }
}
