//! Values Plex renders in more than one form, depending on the server and the format.

use std::fmt;
use std::ops::Deref;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A flag sent as `true`/`false`, `1`/`0` or `"1"`/`"0"` (also `"true"`/`"false"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FlexBool(pub bool);

impl FlexBool {
    /// The flag's value.
    pub fn get(self) -> bool {
        self.0
    }
}

impl From<bool> for FlexBool {
    fn from(value: bool) -> Self {
        Self(value)
    }
}

impl Serialize for FlexBool {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(self.0)
    }
}

impl<'de> Deserialize<'de> for FlexBool {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlexBoolVisitor;

        impl Visitor<'_> for FlexBoolVisitor {
            type Value = FlexBool;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, 0 or 1, or one of \"0\", \"1\", \"true\", \"false\"")
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<FlexBool, E> {
                Ok(FlexBool(value))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<FlexBool, E> {
                match value {
                    0 => Ok(FlexBool(false)),
                    1 => Ok(FlexBool(true)),
                    _ => Err(E::invalid_value(de::Unexpected::Unsigned(value), &self)),
                }
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<FlexBool, E> {
                match value {
                    0 => Ok(FlexBool(false)),
                    1 => Ok(FlexBool(true)),
                    _ => Err(E::invalid_value(de::Unexpected::Signed(value), &self)),
                }
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<FlexBool, E> {
                match value {
                    "1" | "true" => Ok(FlexBool(true)),
                    "0" | "false" => Ok(FlexBool(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
                }
            }
        }

        deserializer.deserialize_any(FlexBoolVisitor)
    }
}

/// A list that Plex renders as a bare object when it has one element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> OneOrMany<T> {
    /// The elements, as a vector.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Deref for OneOrMany<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape<T> {
            Many(Vec<T>),
            One(T),
        }
        match Shape::deserialize(deserializer) {
            Ok(Shape::Many(items)) => Ok(Self(items)),
            Ok(Shape::One(item)) => Ok(Self(vec![item])),
            Err(_) => Err(de::Error::custom("expected an object or a list of objects")),
        }
    }
}

/// The two values of a query flag, by name: the generated variants are named after the text
/// sent (`X1`, `X0`), since the spec pins that text.
impl crate::types::QueryFlag {
    /// Sent as `1`.
    pub const ON: Self = Self::X1;
    /// Sent as `0`.
    pub const OFF: Self = Self::X0;
}

impl From<bool> for crate::types::QueryFlag {
    fn from(value: bool) -> Self {
        if value { Self::ON } else { Self::OFF }
    }
}
