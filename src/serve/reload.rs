//! Live rules: the rule set in use, swapped atomically when the rules folder changes.
//!
//! The folder is watched (`notify`); changes to `*.rule` files are gathered for
//! [`DEBOUNCE`] (an editor saving writes, renames and touches several times) and the folder is
//! then read and checked again, off the request threads. A set that checks clean replaces the
//! one in use in one atomic step ([`ArcSwap`]): a request holds the `Arc` of the set it started
//! with, so requests in flight finish on the old set and later ones see the new. A set with
//! errors is not used: the working set stays, and the errors are kept for `/v1/rules` and
//! printed to standard error, in the words of `ruling check`.

use super::engine::{timestamp, Engine};
use crate::rules::RulesSpec;
use arc_swap::ArcSwap;
use notify::{RecursiveMode, Watcher};
use serde_json::{json, Value as J};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// How long changes are gathered before the folder is read again.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// The rule set in use and the last edit that was refused.
#[derive(Debug)]
pub struct Live {
    current: ArcSwap<Engine>,
    /// The diagnostics of the last edit that did not check clean, until a good edit follows.
    rejected: Mutex<Option<J>>,
    /// Where the rule set is read from, read again on every change.
    spec: RulesSpec,
    /// The folders watched: the rule set's own (none for the embedded rules) and the overlays.
    dirs: Vec<PathBuf>,
}

impl Live {
    /// Starts with a compiled rule set.
    pub fn new(engine: Engine, spec: RulesSpec) -> Live {
        let mut dirs: Vec<PathBuf> = engine.dir().into_iter().collect();
        dirs.extend(spec.overlays.iter().cloned());
        Live {
            current: ArcSwap::from_pointee(engine),
            rejected: Mutex::new(None),
            spec,
            dirs,
        }
    }

    /// The rule set in use now; the caller keeps it for the whole request.
    pub fn engine(&self) -> Arc<Engine> {
        self.current.load_full()
    }

    /// `/v1/rules`: the set in use and the diagnostics of the last refused edit (or null).
    pub fn rules_json(&self) -> J {
        let mut out = self.engine().rules_json();
        let rejected = self.rejected.lock().map(|r| r.clone()).unwrap_or(None);
        if let Some(o) = out.as_object_mut() {
            o.insert("rejected".into(), rejected.unwrap_or(J::Null));
        }
        out
    }

    /// Reads and checks the folder again; swaps the set in when it is clean, keeps the old one
    /// and records the errors otherwise. Blocking: run it off the request threads.
    pub fn reload(&self) {
        if self.dirs.is_empty() {
            return;
        }
        let old = self.engine();
        match Engine::load(&self.spec) {
            Ok(engine) => {
                if let Ok(mut r) = self.rejected.lock() {
                    *r = None;
                }
                if engine.fingerprint() == old.fingerprint() {
                    return;
                }
                eprintln!(
                    "[{}] 规则已重新加载：{}（指纹 {} → {}）",
                    timestamp(SystemTime::now()),
                    engine.origin(),
                    old.fingerprint(),
                    engine.fingerprint()
                );
                self.current.store(Arc::new(engine));
            }
            Err(rejection) => {
                eprintln!(
                    "[{}] 规则目录“{}”的修改有错误，未采用；仍使用原规则集（指纹 {}）。请改正后保存：\n{}",
                    timestamp(SystemTime::now()),
                    old.origin(),
                    old.fingerprint(),
                    rejection.rendered
                );
                let record = json!({
                    "at": timestamp(SystemTime::now()),
                    "kept_fingerprint": old.fingerprint(),
                    "diagnostics": rejection.diagnostics,
                    "rendered": rejection.rendered,
                });
                if let Ok(mut r) = self.rejected.lock() {
                    *r = Some(record);
                }
            }
        }
    }
}

/// Watches the rules folder and reloads on changes, until the returned watcher is dropped.
/// Gives no watcher for the embedded rules, which cannot change.
pub fn watch(live: &Arc<Live>) -> Result<Option<notify::RecommendedWatcher>, String> {
    if live.dirs.is_empty() {
        return Ok(None);
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            if event.paths.iter().any(|p| is_rule_file(p)) {
                // The receiver only goes away when the server stops.
                let _ = tx.send(());
            }
        }
    })
    .map_err(|e| format!("无法监视规则目录：{e}"))?;
    for dir in &live.dirs {
        watcher
            .watch(dir, RecursiveMode::NonRecursive)
            .map_err(|e| format!("无法监视规则目录“{}”：{e}", dir.display()))?;
    }
    let live = Arc::clone(live);
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            tokio::time::sleep(DEBOUNCE).await;
            while rx.try_recv().is_ok() {}
            let live = Arc::clone(&live);
            // Reading and checking the rules takes milliseconds of CPU: not on a request thread.
            let _ = tokio::task::spawn_blocking(move || live.reload()).await;
        }
    });
    Ok(Some(watcher))
}

fn is_rule_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "rule")
}
