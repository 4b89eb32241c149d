// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity baseline for contracts/ip-editions: OpenZeppelin ERC1155 + Supply +
// ERC2981 + Ownable, editions with max supply, and ERC-5006 user records whose
// units stay frozen for the owner until expiry (bounded records per owner/id).

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract BaselineIp1155 is ERC1155Supply, ERC2981, Ownable {
    struct UserRecord {
        uint256 tokenId;
        address owner;
        uint64 amount;
        address user;
        uint64 expiry;
    }

    event CreateUserRecord(uint256 recordId, uint256 tokenId, uint64 amount, address owner, address user, uint64 expiry);
    event DeleteUserRecord(uint256 recordId);

    error Unauthorized(address caller);
    error ExpiresInPast(uint64 expiry);
    error InsufficientUsable(uint256 usable, uint256 needed);
    error MaxSupplyExceeded(uint256 id);
    error TooManyRecords();

    uint256 public constant MAX_RECORDS = 8;
    uint256 private _nextId = 1;
    uint256 private _nextRecord = 1;
    mapping(uint256 => uint256) public maxSupply;
    mapping(uint256 => UserRecord) private _records;
    mapping(address => mapping(uint256 => uint256[])) private _active;
    mapping(address => mapping(address => bool)) private _leaseOperators;

    constructor(address owner_, address receiver, uint96 bps) ERC1155("ipfs://{id}") Ownable(owner_) {
        _setDefaultRoyalty(receiver, bps);
    }

    function createId(uint256 max, address receiver, uint96 bps) external onlyOwner returns (uint256 id) {
        id = _nextId++;
        maxSupply[id] = max;
        if (receiver != address(0)) _setTokenRoyalty(id, receiver, bps);
    }

    function mint(address to, uint256 id, uint256 amount, bytes calldata data) external onlyOwner {
        uint256 max = maxSupply[id];
        if (max != 0 && totalSupply(id) + amount > max) revert MaxSupplyExceeded(id);
        _mint(to, id, amount, data);
    }

    function setLeaseOperator(address operator, bool approved) external {
        _leaseOperators[msg.sender][operator] = approved;
    }

    function frozenBalanceOf(address owner, uint256 id) public view returns (uint256 frozen) {
        uint256[] storage ids = _active[owner][id];
        for (uint256 i; i < ids.length; ++i) {
            UserRecord storage r = _records[ids[i]];
            if (r.expiry > block.timestamp) frozen += r.amount;
        }
    }

    function createUserRecord(address owner, address user, uint256 id, uint64 amount, uint64 expiry)
        external
        returns (uint256 recordId)
    {
        if (msg.sender != owner && !isApprovedForAll(owner, msg.sender) && !_leaseOperators[owner][msg.sender]) {
            revert Unauthorized(msg.sender);
        }
        if (expiry <= block.timestamp) revert ExpiresInPast(expiry);
        _prune(owner, id);
        uint256 usable = balanceOf(owner, id) - frozenBalanceOf(owner, id);
        if (usable < amount) revert InsufficientUsable(usable, amount);
        if (_active[owner][id].length >= MAX_RECORDS) revert TooManyRecords();
        recordId = _nextRecord++;
        _records[recordId] = UserRecord(id, owner, amount, user, expiry);
        _active[owner][id].push(recordId);
        emit CreateUserRecord(recordId, id, amount, owner, user, expiry);
    }

    function userRecordOf(uint256 recordId) external view returns (UserRecord memory) {
        return _records[recordId];
    }

    function _prune(address owner, uint256 id) private {
        uint256[] storage ids = _active[owner][id];
        for (uint256 i = ids.length; i > 0; --i) {
            if (_records[ids[i - 1]].expiry <= block.timestamp) {
                ids[i - 1] = ids[ids.length - 1];
                ids.pop();
            }
        }
    }

    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        if (from != address(0)) {
            for (uint256 i; i < ids.length; ++i) {
                uint256 usable = balanceOf(from, ids[i]) - frozenBalanceOf(from, ids[i]);
                if (usable < values[i]) revert InsufficientUsable(usable, values[i]);
            }
        }
        super._update(from, to, ids, values);
    }

    function supportsInterface(bytes4 id) public view override(ERC1155, ERC2981) returns (bool) {
        return id == 0xc26d96cc || super.supportsInterface(id);
    }
}
