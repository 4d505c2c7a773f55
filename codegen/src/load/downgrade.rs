//! OpenAPI 3.1 read as 3.0: the 3.1 constructs that have a 3.0 form are rewritten in place,
//! before openapiv3 and progenitor see the document; those without one are listed, each with
//! its JSON pointer, so that the document is refused naming every one of them.
//!
//! Rewritten, in every schema (components, parameters, bodies, responses, headers, and the
//! schemas inside them):
//! - a type list: `type: [T, "null"]` is `type: T` with `nullable: true`; several types other
//!   than `null` are a `oneOf` of one schema per type;
//! - `type: "null"` alone is a schema that only `null` satisfies: `nullable: true` and an
//!   empty `enum` is not expressible, so it is kept only as a member of a `oneOf`/`anyOf`, where
//!   it makes the union nullable;
//! - `oneOf`/`anyOf` with a `{type: "null"}` member: the member goes and the schema is
//!   `nullable: true`; a single remaining member is written `allOf: [member]`;
//! - `const: v` is `enum: [v]`; `examples: [a, …]` is `example: a`;
//! - a number in `exclusiveMinimum`/`exclusiveMaximum` is `minimum`/`maximum` with the boolean
//!   form.
//!
//! Refused: `prefixItems`, `if`/`then`/`else`, `dependentSchemas`, `dependentRequired`,
//! `unevaluatedProperties`, `unevaluatedItems`, `patternProperties`, `propertyNames`,
//! `contains`, `$defs` inside schemas, `contentSchema`.

use serde_json::{Map, Value};

use crate::error::pointer_segment;

/// The 3.1 keywords of a schema that have no 3.0 form.
const WITHOUT_3_0_FORM: &[&str] = &[
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "patternProperties",
    "propertyNames",
    "contains",
    "$defs",
    "contentSchema",
];

/// Rewrites a 3.1 document as 3.0.3; returns the pointers (and keywords) of what has no 3.0
/// form.
pub(super) fn downgrade(document: &mut Value) -> Vec<(String, String)> {
    let mut refused = Vec::new();
    if let Some(object) = document.as_object_mut() {
        object.insert("openapi".into(), Value::String("3.0.3".into()));
        // 3.1-only top-level members that 3.0 has no place for.
        object.remove("webhooks");
        object.remove("jsonSchemaDialect");
        if let Some(Value::Object(info)) = object.get_mut("info") {
            info.remove("summary");
            if let Some(Value::Object(license)) = info.get_mut("license") {
                license.remove("identifier");
            }
        }
    }
    walk(document, String::new(), &mut refused);
    refused
}

/// Finds the schemas of the document: the values of `schema` keys and of
/// `components/schemas/*`.
fn walk(node: &mut Value, pointer: String, refused: &mut Vec<(String, String)>) {
    match node {
        Value::Object(object) => {
            let in_components_schemas = pointer == "/components/schemas";
            for (key, value) in object.iter_mut() {
                let child = format!("{pointer}/{}", pointer_segment(key));
                if key == "schema" || in_components_schemas {
                    schema(value, child, refused);
                } else {
                    walk(value, child, refused);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                walk(item, format!("{pointer}/{index}"), refused);
            }
        }
        _ => {}
    }
}

/// Rewrites one schema and the schemas inside it.
fn schema(node: &mut Value, pointer: String, refused: &mut Vec<(String, String)>) {
    let Value::Object(object) = node else {
        return;
    };
    for keyword in WITHOUT_3_0_FORM {
        if object.contains_key(*keyword) {
            refused.push((
                format!("{pointer}/{}", pointer_segment(keyword)),
                (*keyword).to_string(),
            ));
        }
    }
    // This schema's own 3.1 forms first: a `{type: "null"}` member is read here, before the
    // members are rewritten.
    type_list(object);
    null_members(object);
    for key in ["items", "not", "additionalProperties"] {
        if let Some(inner) = object.get_mut(key) {
            schema(inner, format!("{pointer}/{key}"), refused);
        }
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            let at = format!("{pointer}/properties/{}", pointer_segment(name));
            schema(property, at, refused);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = object.get_mut(key) {
            for (index, member) in members.iter_mut().enumerate() {
                schema(member, format!("{pointer}/{key}/{index}"), refused);
            }
        }
    }
    if let Some(value) = object.remove("const") {
        object.insert("enum".into(), Value::Array(vec![value]));
    }
    if let Some(Value::Array(examples)) = object.remove("examples")
        && let Some(first) = examples.into_iter().next()
    {
        object.entry("example").or_insert(first);
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(number @ Value::Number(_)) = object.get(exclusive).cloned() {
            object.insert(bound.into(), number);
            object.insert(exclusive.into(), Value::Bool(true));
        }
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true`; several non-null types → `oneOf`.
fn type_list(object: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = object.get("type").cloned() else {
        return;
    };
    let nullable = types.iter().any(|t| t == "null");
    let others: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
    match others.as_slice() {
        [] => {
            object.insert("type".into(), Value::String("null".into()));
        }
        [single] => {
            object.insert("type".into(), single.clone());
        }
        several => {
            object.remove("type");
            let members = several
                .iter()
                .map(|t| {
                    let mut member = Map::new();
                    member.insert("type".into(), t.clone());
                    Value::Object(member)
                })
                .collect();
            object.insert("oneOf".into(), Value::Array(members));
        }
    }
    if nullable && !others.is_empty() {
        object.insert("nullable".into(), Value::Bool(true));
    }
}

/// Whether a schema is `{type: "null"}` (what a 3.1 union uses for "or null").
fn is_null_schema(value: &Value) -> bool {
    value.get("type").is_some_and(|t| t == "null")
}

/// `oneOf`/`anyOf` with a null member: the member goes and the schema is nullable.
fn null_members(object: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = object.get_mut(key) else {
            continue;
        };
        let before = members.len();
        members.retain(|member| !is_null_schema(member));
        if members.len() == before {
            continue;
        }
        object.insert("nullable".into(), Value::Bool(true));
        let remaining = match object.get(key) {
            Some(Value::Array(members)) => members.clone(),
            _ => Vec::new(),
        };
        if let [single] = remaining.as_slice() {
            object.remove(key);
            object.insert("allOf".into(), Value::Array(vec![single.clone()]));
        } else if remaining.is_empty() {
            object.remove(key);
        }
    }
    // `type: "null"` left alone (no union around it): any value, nullable.
    if object.get("type").is_some_and(|t| t == "null") {
        object.remove("type");
        object.insert("nullable".into(), Value::Bool(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn downgraded(mut document: Value) -> (Value, Vec<(String, String)>) {
        let refused = downgrade(&mut document);
        (document, refused)
    }

    #[test]
    fn type_lists_and_null_unions_become_nullable() {
        let (document, refused) = downgraded(json!({
            "openapi": "3.1.1",
            "components": {"schemas": {
                "A": {"type": ["string", "null"]},
                "B": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]},
                "C": {"type": ["integer", "string"]},
                "D": {"type": "object", "properties": {"x": {"type": ["array", "null"], "items": {"type": "string"}}}},
                "E": {"const": "on", "examples": ["on", "off"], "exclusiveMinimum": 3},
            }},
        }));
        assert!(refused.is_empty());
        assert_eq!(document["openapi"], "3.0.3");
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["A"], json!({"type": "string", "nullable": true}));
        assert_eq!(
            schemas["B"],
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
        assert_eq!(
            schemas["C"],
            json!({"oneOf": [{"type": "integer"}, {"type": "string"}]})
        );
        assert_eq!(
            schemas["D"]["properties"]["x"],
            json!({"type": "array", "nullable": true, "items": {"type": "string"}})
        );
        assert_eq!(
            schemas["E"],
            json!({"enum": ["on"], "example": "on", "minimum": 3, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn constructs_without_a_3_0_form_are_listed_by_pointer() {
        let (_, mut refused) = downgraded(json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"get": {"parameters": [{"name": "p", "in": "query",
                "schema": {"type": "array", "prefixItems": [{"type": "string"}]}}]}}},
            "components": {"schemas": {"X": {"properties": {"y": {"if": {}, "then": {}}}}}},
        }));
        refused.sort();
        assert_eq!(
            refused,
            [
                (
                    "/components/schemas/X/properties/y/if".to_string(),
                    "if".to_string()
                ),
                (
                    "/components/schemas/X/properties/y/then".to_string(),
                    "then".to_string()
                ),
                (
                    "/paths/~1a/get/parameters/0/schema/prefixItems".to_string(),
                    "prefixItems".to_string()
                ),
            ]
        );
    }
}
