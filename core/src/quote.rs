//! User text quoted back in a message, cut when long: a pasted 20 KB value must not push a
//! message's "accepted:" part off the screen (every parser's errors use it).

use alloc::format;
use alloc::string::String;

/// `value` quoted (as `{:?}` does), cut to its first 60 characters when longer than 80, with
/// its length.
pub fn shown(value: &str) -> String {
    let n = value.chars().count();
    if n <= 80 {
        return format!("{value:?}");
    }
    let head: String = value.chars().take(60).collect();
    format!("{:?} ({n} characters)", format!("{head}…"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_quoted_whole_and_long_text_is_cut() {
        assert_eq!(shown("mf*3"), "\"mf*3\"");
        let long = "x".repeat(81);
        assert_eq!(
            shown(&long),
            format!("\"{}…\" (81 characters)", "x".repeat(60))
        );
    }
}
