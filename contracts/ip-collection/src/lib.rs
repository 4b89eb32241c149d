//! IP asset collection (ERC-721) — skeleton, being built out.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;
use openzeppelin_stylus::token::erc721::{Erc721, IErc721};
use stylus_sdk::{alloy_primitives::{Address, U256}, prelude::*};

stylus_ip_common::sol_decls! {
    /// The token does not exist.
    error ERC721NonexistentToken(uint256 tokenId);
    /// Emitted when a token's user changes.
    event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires);
}

/// Errors of [`IpCollection`].
#[derive(SolidityError, Debug)]
pub enum Error {
    /// See [`ERC721NonexistentToken`].
    NonexistentToken(ERC721NonexistentToken),
}

/// The collection contract.
#[entrypoint]
#[storage]
pub struct IpCollection {
    erc721: Erc721,
}

#[public]
impl IpCollection {
    /// Owner of a token.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`] when the token does not exist.
    pub fn owner_of(&self, token_id: U256) -> Result<Address, Error> {
        self.erc721.owner_of(token_id).map_err(|_| Error::NonexistentToken(ERC721NonexistentToken { tokenId: token_id }))
    }
    /// Mints (skeleton).
    pub fn mint(&mut self, to: Address, token_id: U256) -> Result<(), Vec<u8>> {
        self.erc721._mint(to, token_id)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motsu::prelude::*;

    #[motsu::test]
    fn mint_then_owner(contract: Contract<IpCollection>, alice: Address) {
        contract.sender(alice).mint(alice, U256::from(1)).motsu_unwrap();
        assert_eq!(contract.sender(alice).owner_of(U256::from(1)).motsu_unwrap(), alice);
    }
}
