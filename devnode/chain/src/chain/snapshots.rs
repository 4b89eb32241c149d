//! Snapshots: `evm_snapshot` and `evm_revert`.

use super::*;

impl Chain {
    /// `evm_snapshot`: returns the id.
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        self.snapshots.insert(id, self.data.clone());
        id
    }

    /// `evm_revert`: restores snapshot `id` (and forgets it and every later one).
    pub fn revert(&mut self, id: u64) -> bool {
        let Some(data) = self.snapshots.remove(&id) else {
            return false;
        };
        self.snapshots.retain(|k, _| *k < id);
        self.data = data;
        let latest = self.block_number();
        for f in self.filters.values_mut() {
            f.next_block = f.next_block.min(latest + 1);
        }
        true
    }
}
