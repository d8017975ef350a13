//! Work on several inputs at once with the standard library's scoped threads (no thread
//! pool): measured against rayon on checking 205 files, it is as fast (docs/relayering.md).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `items.into_iter().map(work).collect()`, on up to one thread per core, the results in
/// the order of `items`, so the output is the one a sequential run makes. Each thread takes
/// the next item nobody has taken, so one big file does not hold the small ones back. One
/// item (or one core) starts no thread.
pub fn map_in_order<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    if threads <= 1 {
        return items.into_iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let todo: Vec<Mutex<Option<T>>> = items.into_iter().map(|item| Mutex::new(Some(item))).collect();
    let done: Vec<Mutex<Option<R>>> = todo.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = todo.get(index) else { break };
                    let item = slot.lock().unwrap().take().expect("each index is taken once");
                    let result = work(item);
                    *done[index].lock().unwrap() = Some(result);
                }
            });
        }
    });
    done.into_iter().map(|slot| slot.into_inner().unwrap().expect("every item was done")).collect()
}
