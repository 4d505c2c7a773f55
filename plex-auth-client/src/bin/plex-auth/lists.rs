//! Lists as the tool shows them: a few items, then how many more.

/// The first `limit` of `items` as `show` writes them, then "and N more" when some are left
/// out: a list a server or a folder fills stays a few lines.
pub(crate) fn first_of<T>(
    items: &[T],
    limit: usize,
    show: impl FnMut(&T) -> String,
) -> Vec<String> {
    let mut shown: Vec<String> = items.iter().take(limit).map(show).collect();
    if items.len() > limit {
        shown.push(format!("and {} more", items.len() - limit));
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_shows_its_first_items_then_how_many_more() {
        let items = [1, 2, 3, 4];
        let show = |n: &i32| n.to_string();
        assert_eq!(first_of(&items, 4, show), ["1", "2", "3", "4"]);
        assert_eq!(first_of(&items, 2, show), ["1", "2", "and 2 more"]);
        assert_eq!(first_of(&items, 0, show), ["and 4 more"]);
        assert!(first_of(&[] as &[i32], 3, show).is_empty());
    }
}
