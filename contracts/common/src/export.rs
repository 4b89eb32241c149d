//! Full Solidity interface export (functions, errors, events, constructor).
//!
//! stylus-sdk 0.9's `export-abi` prints only the functions of the inherent
//! `#[public]` impl: no errors, no events, and nothing from
//! `#[implements(...)]` trait impls. The suite therefore routes every public
//! function through the inherent impl and declares errors and events with
//! [`crate::sol_decls!`]; this module stitches the pieces together.

use core::fmt;
use std::string::String;

use stylus_sdk::abi::GenerateAbi;

struct Abi<T>(core::marker::PhantomData<T>);
impl<T: GenerateAbi> fmt::Display for Abi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt_abi(f)
    }
}
struct Ctor<T>(core::marker::PhantomData<T>);
impl<T: GenerateAbi> fmt::Display for Ctor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt_constructor_signature(f)
    }
}

/// Removes `#[...]` attributes (doc comments, derives) from stringified
/// `sol!` input so that only Solidity remains, and puts one item per line.
#[must_use]
pub fn clean_sol_decls(decls: &str) -> String {
    let mut out = String::new();
    let bytes = decls.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' {
            // Skip `#` `!`? `[ ... ]` with nesting and string literals.
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'!') {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'[' {
                let mut depth = 0usize;
                let mut in_str = false;
                while j < bytes.len() {
                    let c = bytes[j];
                    if in_str {
                        if c == b'\\' {
                            j += 1;
                        } else if c == b'"' {
                            in_str = false;
                        }
                    } else if c == b'"' {
                        in_str = true;
                    } else if c == b'[' {
                        depth += 1;
                    } else if c == b']' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    j += 1;
                }
                i = j + 1;
                continue;
            }
        }
        out.push(bytes[i] as char);
        i += 1;
    }
    // Split into items: an item ends at `;` or at the `}` closing a struct,
    // both at brace depth 0.
    let mut items = std::vec::Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in out.chars() {
        current.push(c);
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    items.push(core::mem::take(&mut current));
                }
            }
            ';' if depth == 0 => items.push(core::mem::take(&mut current)),
            _ => {}
        }
    }
    items.push(current);
    let mut lines = String::new();
    for item in items {
        let item = item
            .split_whitespace()
            .collect::<std::vec::Vec<_>>()
            .join(" ");
        let item = item.trim_end_matches(';').trim();
        if item.is_empty() {
            continue;
        }
        let item = item
            .replace(" (", "(")
            .replace("( ", "(")
            .replace(" )", ")")
            .replace(" ,", ",")
            .replace(" ;", ";");
        lines.push_str("    ");
        lines.push_str(&item);
        if !item.ends_with('}') {
            lines.push(';');
        }
        lines.push('\n');
    }
    lines
}

/// Rewrites `snake_case` words (Rust parameter names) as `camelCase`, the
/// Solidity convention dApps see in the JSON ABI. Words starting with `_`
/// (the SDK's escape for names that are Solidity keywords) are kept.
#[must_use]
pub fn camel_case_words(line: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('_') && !word.starts_with('_') {
            let mut upper = false;
            for c in word.chars() {
                if c == '_' {
                    upper = true;
                } else if upper {
                    out.extend(c.to_uppercase());
                    upper = false;
                } else {
                    out.push(c);
                }
            }
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in line.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Renders the complete Solidity interface of contract `T`: stylus-sdk's
/// function list with `decls` (from [`crate::sol_decls!`]) spliced into the
/// last interface, and the constructor signature as a `// constructor(...)`
/// comment line (interfaces cannot declare constructors; the ABI exporter
/// turns it into the JSON ABI's constructor entry).
#[must_use]
pub fn render_interface<T: GenerateAbi>(decls: &str) -> String {
    let body = std::format!("{}", Abi::<T>(core::marker::PhantomData));
    let decls = clean_sol_decls(decls);
    let mut out = String::new();
    out.push_str("// SPDX-License-Identifier: MIT OR Apache-2.0\n");
    out.push_str("// Generated by `stylus-ip abi` from the contract's Rust source. Do not edit.\n");
    out.push_str("pragma solidity ^0.8.23;\n\n");
    let ctor = constructor_signature::<T>();
    if !ctor.is_empty() {
        out.push_str("// ");
        out.push_str(&ctor);
        out.push('\n');
    }
    // stylus-sdk lists the errors of each function's `Result` error type as
    // `error Name(type);` (no parameter names). Prefer our declarations, which
    // carry names, and drop the SDK's line for any error we declare.
    let declared: std::vec::Vec<&str> = decls
        .lines()
        .filter_map(|l| l.trim().strip_prefix("error "))
        .filter_map(|l| l.split('(').next())
        .collect();
    let body: String = body
        .lines()
        .filter(|l| {
            let name = l
                .trim()
                .strip_prefix("error ")
                .and_then(|r| r.split('(').next());
            !matches!(name, Some(n) if declared.contains(&n))
        })
        .map(|l| {
            if l.trim_start().starts_with("function ") {
                std::format!("{}\n", camel_case_words(l))
            } else {
                std::format!("{l}\n")
            }
        })
        .collect();
    // Collapse the blank lines left where the SDK's error lines were dropped.
    let mut body_clean = String::new();
    for line in body.lines() {
        if line.trim().is_empty() && (body_clean.ends_with("\n\n") || body_clean.ends_with("{\n")) {
            continue;
        }
        body_clean.push_str(line);
        body_clean.push('\n');
    }
    let body = body_clean;
    match body.rfind('}') {
        Some(pos) => {
            out.push_str(&body[..pos]);
            if !decls.is_empty() {
                out.push('\n');
                out.push_str(&decls);
            }
            out.push_str(&body[pos..]);
        }
        None => out.push_str(&body),
    }
    out
}

/// Prints [`render_interface`] to stdout.
pub fn print_interface<T: GenerateAbi>(decls: &str) {
    std::print!("{}", render_interface::<T>(decls));
}

/// The constructor signature as cargo-stylus's reflection expects it
/// (`constructor(address implementation, ...)`, parameter names in
/// camelCase as in the exported interface), or an empty string when the
/// contract has no constructor.
#[must_use]
pub fn constructor_signature<T: GenerateAbi>() -> String {
    let ctor = std::format!("{}", Ctor::<T>(core::marker::PhantomData));
    camel_case_words(ctor.trim())
}

/// The body of each contract's `export-abi` binary. With no argument it
/// prints the full interface ([`render_interface`]), which `cargo ip abi`
/// reads. With `constructor` it prints [`constructor_signature`]: cargo-stylus
/// 0.10 runs `cargo run --features export-abi -- constructor` to learn a
/// contract's constructor before deploying it through the StylusDeployer.
///
/// # Errors
/// Any other argument: a usage line on stderr and exit status 2.
pub fn run_exporter<T: GenerateAbi>(decls: &str) {
    let args: std::vec::Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<std::vec::Vec<_>>()[..]
    {
        [] => print_interface::<T>(decls),
        ["constructor"] => {
            let sig = constructor_signature::<T>();
            if !sig.is_empty() {
                std::println!("{sig}");
            }
        }
        _ => {
            std::eprintln!("usage: <contract>-abi [constructor]");
            std::process::exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::clean_sol_decls;

    #[test]
    fn camel_cases_parameter_names_only() {
        use super::camel_case_words;
        assert_eq!(
            camel_case_words("    function ownerOf(uint256 token_id, address _from) external view returns (address);"),
            "    function ownerOf(uint256 tokenId, address _from) external view returns (address);"
        );
    }

    #[test]
    fn keeps_structs_whole() {
        let s = r#"# [derive (AbiType)] struct R { uint256 a ; address b ; } error E (R r) ;"#;
        assert_eq!(
            clean_sol_decls(s),
            "    struct R { uint256 a; address b; }\n    error E(R r);\n"
        );
    }

    #[test]
    fn strips_attributes_and_normalises_spacing() {
        let s = r#"# [doc = r" Thrown when \"x\" [a]."] error Foo (uint256 a , address b) ; # [doc = "e"] event Bar (address indexed who) ;"#;
        assert_eq!(
            clean_sol_decls(s),
            "    error Foo(uint256 a, address b);\n    event Bar(address indexed who);\n"
        );
    }
}
