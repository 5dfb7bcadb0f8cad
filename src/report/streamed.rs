//! JSON written as it is made: a run with a hundred thousand findings never holds them all
//! as JSON values (a dense spec's SARIF log was 328 MB as one value).

use serde::ser::{Error, Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::cell::RefCell;

/// A JSON array whose items are made one at a time while it is written. It can be written
/// once: the items are consumed.
pub struct Items<I>(RefCell<Option<I>>);

impl<I> Items<I> {
    pub fn new(items: I) -> Items<I> {
        Items(RefCell::new(Some(items)))
    }
}

impl<I> Serialize for Items<I>
where
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take();
        let items = items.ok_or_else(|| S::Error::custom("a streamed array is written once"))?;
        serializer.collect_seq(items)
    }
}

/// A JSON value written as `serde_json` writes it (same key order, same layout), except
/// that the value under the key `at` is `with` instead: the large part of a document made
/// while it is written, the small rest built as a value.
pub struct Spliced<'a, T> {
    pub value: &'a Value,
    pub at: &'static str,
    pub with: &'a T,
}

impl<T: Serialize> Serialize for Spliced<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let inner = |value| Spliced {
            value,
            at: self.at,
            with: self.with,
        };
        match self.value {
            Value::Object(map) => {
                let mut out = serializer.serialize_map(Some(map.len()))?;
                for (key, value) in map {
                    if key == self.at {
                        out.serialize_entry(key, self.with)?;
                    } else {
                        out.serialize_entry(key, &inner(value))?;
                    }
                }
                out.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(inner)),
            other => other.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spliced_and_streamed_write_the_bytes_of_the_whole_value() {
        let whole = json!({"b": [1, {"c": "x"}], "items": [{"n": 1}, {"n": 2}], "a": {}});
        let mut holed = whole.clone();
        holed["items"] = Value::Null;
        let items = Items::new((1..=2).map(|n| json!({ "n": n })));
        let spliced = Spliced {
            value: &holed,
            at: "items",
            with: &items,
        };
        assert_eq!(
            serde_json::to_string_pretty(&spliced).unwrap(),
            serde_json::to_string_pretty(&whole).unwrap()
        );
        // Consumed by the first write.
        assert!(serde_json::to_string(&spliced).is_err());
        let empty = Items::new(std::iter::empty::<u32>().filter(|_| true));
        assert_eq!(serde_json::to_string_pretty(&empty).unwrap(), "[]");
    }
}
