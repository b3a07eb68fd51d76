//! The bearer token of `--token-file`: required on every request (but the page's static files
//! and `/healthz`) when given, which it must be to listen on an address other than loopback.
//!
//! The token is compared in constant time, so that the time an answer takes tells nothing about
//! how much of a guessed token was right: both sides are hashed (SHA-256, so that their lengths
//! are equal too) and the hashes compared with `subtle`.

use sha2::{Digest, Sha256};
use std::path::Path;
use subtle::ConstantTimeEq;

/// The shortest token accepted, in bytes: a short one could be guessed.
pub const MIN_TOKEN_BYTES: usize = 16;

/// A token, kept only as its hash.
#[derive(Debug, Clone)]
pub struct Token([u8; 32]);

impl Token {
    /// Reads the token from a file: its text, without surrounding white space.
    pub fn from_file(path: &Path) -> Result<Token, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("无法读取令牌文件“{}”：{e}", path.display()))?;
        let token = text.trim();
        if token.len() < MIN_TOKEN_BYTES {
            return Err(format!(
                "令牌文件“{}”中的令牌太短（{} 个字节，至少 {MIN_TOKEN_BYTES} 个）\n  帮助：可用 head -c 32 /dev/urandom | base64 生成一个令牌，存入该文件",
                path.display(),
                token.len()
            ));
        }
        if token.chars().any(char::is_whitespace) {
            return Err(format!(
                "令牌文件“{}”中的令牌含有空白字符\n  帮助：令牌须是一行不含空格的文字",
                path.display()
            ));
        }
        Ok(Token::new(token))
    }

    /// A token from its text.
    pub fn new(token: &str) -> Token {
        Token(Sha256::digest(token.as_bytes()).into())
    }

    /// Whether an `Authorization` header value carries this token (`Bearer <token>`).
    pub fn accepts(&self, authorization: Option<&[u8]>) -> bool {
        let Some(value) = authorization else {
            return false;
        };
        let Some(given) = value
            .strip_prefix(b"Bearer ")
            .or_else(|| value.strip_prefix(b"bearer "))
        else {
            return false;
        };
        let hash: [u8; 32] = Sha256::digest(given).into();
        hash.ct_eq(&self.0).into()
    }
}

#[cfg(test)]
mod tests {
    use super::Token;

    #[test]
    fn accepts_only_the_same_token() {
        let t = Token::new("0123456789abcdef-geheim");
        assert!(t.accepts(Some(b"Bearer 0123456789abcdef-geheim")));
        assert!(!t.accepts(Some(b"Bearer 0123456789abcdef-geheiM")));
        assert!(!t.accepts(Some(b"Bearer 0123456789abcdef-geheim ")));
        assert!(!t.accepts(Some(b"0123456789abcdef-geheim")));
        assert!(!t.accepts(None));
    }
}
