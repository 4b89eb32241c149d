//! World state: accounts, code and storage in persistent (structurally shared) maps.
//!
//! Cloning a [`WorldState`] is O(1), so every block keeps the state it produced (historical
//! `eth_call`/`eth_getBalance` at any block), snapshots are cheap, and `eth_call` state
//! overrides are applied to a throw-away clone.

use std::collections::BTreeMap;
use std::convert::Infallible;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use revm::bytecode::Bytecode;
use revm::primitives::KECCAK_EMPTY;
use revm::state::{Account, AccountInfo};
use revm::DatabaseRef;
use serde::{Deserialize, Serialize};

/// One account of the world state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountState {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Hash of the account's code (`KECCAK_EMPTY` for none).
    pub code_hash: B256,
    /// Non-zero storage slots.
    pub storage: imbl::HashMap<U256, U256>,
}

impl AccountState {
    fn empty() -> Self {
        Self {
            code_hash: KECCAK_EMPTY,
            ..Self::default()
        }
    }
}

/// The world state (all accounts and code).
#[derive(Clone, Debug, Default)]
pub struct WorldState {
    accounts: imbl::HashMap<Address, AccountState>,
    code: imbl::HashMap<B256, Bytecode>,
}

impl WorldState {
    /// The account at `address`, if it exists.
    pub fn account(&self, address: &Address) -> Option<&AccountState> {
        self.accounts.get(address)
    }

    /// Balance of `address` (0 if absent).
    pub fn balance(&self, address: &Address) -> U256 {
        self.accounts.get(address).map_or(U256::ZERO, |a| a.balance)
    }

    /// Nonce of `address` (0 if absent).
    pub fn nonce(&self, address: &Address) -> u64 {
        self.accounts.get(address).map_or(0, |a| a.nonce)
    }

    /// Original (raw) code bytes of `address` (empty if none).
    pub fn code(&self, address: &Address) -> Bytes {
        self.accounts
            .get(address)
            .and_then(|a| self.code.get(&a.code_hash))
            .map_or_else(Bytes::new, |c| c.original_bytes())
    }

    /// Storage slot `key` of `address` (0 if absent).
    pub fn storage(&self, address: &Address, key: U256) -> U256 {
        self.accounts
            .get(address)
            .and_then(|a| a.storage.get(&key).copied())
            .unwrap_or_default()
    }

    /// Number of accounts.
    pub fn account_count(&self) -> usize {
        self.accounts.len()
    }

    fn account_mut(&mut self, address: Address) -> &mut AccountState {
        self.accounts
            .entry(address)
            .or_insert_with(AccountState::empty)
    }

    /// Sets the balance of `address`.
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        self.account_mut(address).balance = balance;
    }

    /// Sets the nonce of `address`.
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        self.account_mut(address).nonce = nonce;
    }

    /// Sets the code of `address` (empty bytes remove the code).
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let hash = if code.is_empty() {
            KECCAK_EMPTY
        } else {
            let hash = keccak256(&code);
            self.code.insert(hash, Bytecode::new_raw(code));
            hash
        };
        self.account_mut(address).code_hash = hash;
    }

    /// Sets storage slot `key` of `address` to `value`.
    pub fn set_storage(&mut self, address: Address, key: U256, value: U256) {
        let acc = self.account_mut(address);
        if value.is_zero() {
            acc.storage.remove(&key);
        } else {
            acc.storage.insert(key, value);
        }
    }

    /// Replaces the whole storage of `address`.
    pub fn replace_storage(
        &mut self,
        address: Address,
        slots: impl IntoIterator<Item = (U256, U256)>,
    ) {
        let acc = self.account_mut(address);
        acc.storage = slots.into_iter().filter(|(_, v)| !v.is_zero()).collect();
    }

    /// Applies the state changes of one executed transaction (revm's `EvmState`).
    pub fn commit(&mut self, changes: impl IntoIterator<Item = (Address, Account)>) {
        for (address, account) in changes {
            if !account.is_touched() {
                continue;
            }
            if account.is_selfdestructed() {
                self.accounts.remove(&address);
                continue;
            }
            let is_created = account.is_created();
            let info = account.info;
            if let Some(code) = info.code.as_ref() {
                if info.code_hash != KECCAK_EMPTY && !self.code.contains_key(&info.code_hash) {
                    self.code.insert(info.code_hash, code.clone());
                }
            }
            // EIP-161: touched empty accounts are deleted.
            let empty = info.balance.is_zero() && info.nonce == 0 && info.code_hash == KECCAK_EMPTY;
            let acc = self.account_mut(address);
            if is_created {
                acc.storage = imbl::HashMap::new();
            }
            acc.balance = info.balance;
            acc.nonce = info.nonce;
            acc.code_hash = if info.code_hash == B256::ZERO {
                KECCAK_EMPTY
            } else {
                info.code_hash
            };
            for (key, slot) in account.storage {
                if !slot.is_changed() && !is_created {
                    continue;
                }
                let v = slot.present_value();
                if v.is_zero() {
                    acc.storage.remove(&key);
                } else {
                    acc.storage.insert(key, v);
                }
            }
            if empty && acc.storage.is_empty() {
                self.accounts.remove(&address);
            }
        }
    }

    /// A serialisable copy of the state (deterministic order).
    pub fn dump(&self) -> StateDump {
        let mut accounts = BTreeMap::new();
        for (addr, acc) in &self.accounts {
            let code = self
                .code
                .get(&acc.code_hash)
                .map_or_else(Bytes::new, |c| c.original_bytes());
            let storage: BTreeMap<U256, U256> = acc.storage.iter().map(|(k, v)| (*k, *v)).collect();
            accounts.insert(
                *addr,
                AccountDump {
                    balance: acc.balance,
                    nonce: acc.nonce,
                    code,
                    storage,
                },
            );
        }
        StateDump { accounts }
    }

    /// Rebuilds a state from a dump.
    pub fn from_dump(dump: &StateDump) -> Self {
        let mut s = Self::default();
        s.merge_dump(dump);
        s
    }

    /// Writes every account of `dump` into this state (accounts not in the dump are kept).
    pub fn merge_dump(&mut self, dump: &StateDump) {
        for (addr, acc) in &dump.accounts {
            self.set_balance(*addr, acc.balance);
            self.set_nonce(*addr, acc.nonce);
            self.set_code(*addr, acc.code.clone());
            self.replace_storage(*addr, acc.storage.iter().map(|(k, v)| (*k, *v)));
        }
    }
}

/// Serialisable state (used by `anvil_dumpState` and `--state`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDump {
    /// All accounts.
    pub accounts: BTreeMap<Address, AccountDump>,
}

/// One account in a [`StateDump`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDump {
    /// Balance.
    pub balance: U256,
    /// Nonce.
    #[serde(with = "alloy_serde_quantity")]
    pub nonce: u64,
    /// Raw code.
    #[serde(default)]
    pub code: Bytes,
    /// Non-zero storage slots.
    #[serde(default)]
    pub storage: BTreeMap<U256, U256>,
}

mod alloy_serde_quantity {
    use alloy_primitives::U64;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        U64::from(*v).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        Ok(U64::deserialize(d)?.to::<u64>())
    }
}

/// A read-only database view for revm: a state plus the chain's block hashes.
#[derive(Clone, Debug)]
pub struct StateDb<'a> {
    state: &'a WorldState,
    block_hashes: &'a imbl::Vector<B256>,
}

impl<'a> StateDb<'a> {
    /// Creates the view.
    pub fn new(state: &'a WorldState, block_hashes: &'a imbl::Vector<B256>) -> Self {
        Self {
            state,
            block_hashes,
        }
    }
}

impl DatabaseRef for StateDb<'_> {
    type Error = Infallible;

    fn basic_ref(&self, address: Address) -> Result<Option<AccountInfo>, Self::Error> {
        Ok(self.state.accounts.get(&address).map(|a| {
            let code = self.state.code.get(&a.code_hash).cloned();
            AccountInfo {
                balance: a.balance,
                nonce: a.nonce,
                code_hash: a.code_hash,
                code: Some(code.unwrap_or_default()),
                ..AccountInfo::default()
            }
        }))
    }

    fn code_by_hash_ref(&self, code_hash: B256) -> Result<Bytecode, Self::Error> {
        Ok(self.state.code.get(&code_hash).cloned().unwrap_or_default())
    }

    fn storage_ref(&self, address: Address, index: U256) -> Result<U256, Self::Error> {
        Ok(self.state.storage(&address, index))
    }

    fn block_hash_ref(&self, number: u64) -> Result<B256, Self::Error> {
        Ok(usize::try_from(number)
            .ok()
            .and_then(|n| self.block_hashes.get(n).copied())
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_and_read_back() {
        let mut s = WorldState::default();
        let a = Address::repeat_byte(1);
        s.set_balance(a, U256::from(5));
        s.set_nonce(a, 3);
        s.set_code(a, Bytes::from_static(&[0x60, 0x00]));
        s.set_storage(a, U256::from(1), U256::from(9));
        assert_eq!(s.balance(&a), U256::from(5));
        assert_eq!(s.nonce(&a), 3);
        assert_eq!(s.code(&a), Bytes::from_static(&[0x60, 0x00]));
        assert_eq!(s.storage(&a, U256::from(1)), U256::from(9));
        s.set_storage(a, U256::from(1), U256::ZERO);
        assert!(s.account(&a).is_some_and(|acc| acc.storage.is_empty()));
    }

    #[test]
    fn clone_is_independent() {
        let mut s = WorldState::default();
        let a = Address::repeat_byte(2);
        s.set_balance(a, U256::from(1));
        let snap = s.clone();
        s.set_balance(a, U256::from(2));
        assert_eq!(snap.balance(&a), U256::from(1));
        assert_eq!(s.balance(&a), U256::from(2));
    }

    #[test]
    fn dump_round_trip() {
        let mut s = WorldState::default();
        let a = Address::repeat_byte(3);
        s.set_balance(a, U256::from(77));
        s.set_code(a, Bytes::from_static(&[0xfe]));
        s.set_storage(a, U256::from(4), U256::from(8));
        let dump = s.dump();
        let json = serde_json::to_string(&dump).unwrap_or_default();
        let back: StateDump = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, dump);
        let s2 = WorldState::from_dump(&back);
        assert_eq!(s2.dump(), dump);
    }
}
