// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Plain OpenZeppelin contracts a team would deploy instead of the suite:
// ERC721 + ERC2981, ERC1155 + Supply, ERC20 (the bench's reference floor).

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract OzErc721Royalty is ERC721, ERC2981, Ownable {
    constructor(address owner_, address receiver, uint96 bps) ERC721("OZ", "OZ") Ownable(owner_) {
        _setDefaultRoyalty(receiver, bps);
    }

    function mint(address to, uint256 id) external onlyOwner {
        _mint(to, id);
    }

    function supportsInterface(bytes4 id) public view override(ERC721, ERC2981) returns (bool) {
        return super.supportsInterface(id);
    }
}

contract OzErc1155Supply is ERC1155Supply, Ownable {
    constructor(address owner_) ERC1155("ipfs://{id}") Ownable(owner_) {}

    function mint(address to, uint256 id, uint256 amount, bytes calldata data) external onlyOwner {
        _mint(to, id, amount, data);
    }
}

contract OzErc20 is ERC20 {
    constructor(address holder, uint256 supply) ERC20("Shares", "SHR") {
        _mint(holder, supply);
    }
}
