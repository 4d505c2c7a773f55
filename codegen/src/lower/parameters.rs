//! An operation's parameters: resolved (`$ref` to `components/parameters`), the headers the
//! client sends itself taken out, their style read, their Rust names given, and put in the
//! generated method's order.

use openapiv3::{
    OpenAPI, Parameter as SpecParameter, ParameterSchemaOrContent, PathStyle, QueryStyle,
    ReferenceOr, Schema, SchemaKind as Kind, Type,
};

use super::operation::Lowering;
use crate::access;
use crate::error::Place;
use crate::ir::{Parameter, ParameterLocation, ParameterStyle, SchemaKind, ValueShape};
use crate::naming;

use crate::CLIENT_HEADERS;

/// What the parameters of an operation ask of the generated method.
pub(super) struct Lowered {
    /// The parameters the caller gives, in the method's order.
    pub parameters: Vec<Parameter>,
    /// Whether a required `X-Plex-Token` header parameter asks for the token.
    pub wants_token: bool,
}

impl<'a> Lowering<'a> {
    /// The parameters in the generated method's order: path parameters as the path names
    /// them, then query parameters by wire name, then header parameters by wire name (the
    /// request body, when there is one, goes between queries and headers).
    pub(super) fn parameters(&self) -> Result<Lowered, (Place, String)> {
        let template = path_variables(self.op.path);
        let mut parameters: Vec<Parameter> = Vec::new();
        let mut wants_token = false;
        for (pointer, parameter) in access::parameters(self.op) {
            let (parameter, pointer) = self.resolve_parameter(parameter, pointer)?;
            let data = parameter.parameter_data_ref();
            let (location, style, explode) = match parameter {
                SpecParameter::Path { style, .. } => {
                    let style = match style {
                        PathStyle::Simple => ParameterStyle::Simple,
                        PathStyle::Label => ParameterStyle::Label,
                        PathStyle::Matrix => ParameterStyle::Matrix,
                    };
                    (
                        ParameterLocation::Path,
                        style,
                        data.explode.unwrap_or(false),
                    )
                }
                SpecParameter::Query { style, .. } => {
                    let (style, explode) = match style {
                        QueryStyle::Form => (ParameterStyle::Form, true),
                        QueryStyle::SpaceDelimited => (ParameterStyle::SpaceDelimited, false),
                        QueryStyle::PipeDelimited => (ParameterStyle::PipeDelimited, false),
                        QueryStyle::DeepObject => (ParameterStyle::DeepObject, true),
                    };
                    (
                        ParameterLocation::Query,
                        style,
                        data.explode.unwrap_or(explode),
                    )
                }
                SpecParameter::Header { .. } => {
                    let name = data.name.to_ascii_lowercase();
                    if CLIENT_HEADERS.contains(&name.as_str()) {
                        wants_token |= name == "x-plex-token" && data.required;
                        continue;
                    }
                    (ParameterLocation::Header, ParameterStyle::Simple, false)
                }
                SpecParameter::Cookie { .. } if !data.required => continue,
                SpecParameter::Cookie { .. } => {
                    return Err((
                        self.lines.place(pointer),
                        format!(
                            "required cookie parameter `{}`: the client sends no cookies",
                            data.name
                        ),
                    ));
                }
            };
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => schema,
                ParameterSchemaOrContent::Content(_) => {
                    return Err((
                        self.lines.place(pointer),
                        format!(
                            "parameter `{}` is given by `content`; give it a `schema`",
                            data.name
                        ),
                    ));
                }
            };
            let shape = access::value_shape(self.spec, schema);
            if location == ParameterLocation::Path && !template.contains(&data.name) {
                return Err((
                    self.lines.place(pointer),
                    format!(
                        "path parameter `{}` does not appear in the path {}",
                        data.name, self.op.path
                    ),
                ));
            }
            if location == ParameterLocation::Header && shape != ValueShape::Scalar {
                return Err((
                    self.lines.place(pointer),
                    format!(
                        "header parameter `{}` is a list or an object; only single values are \
                         sent in headers",
                        data.name
                    ),
                ));
            }
            if style == ParameterStyle::DeepObject && shape != ValueShape::Object {
                return Err((
                    self.lines.place(pointer),
                    format!(
                        "`style: deepObject` on `{}`, which is not an object",
                        data.name
                    ),
                ));
            }
            if parameters
                .iter()
                .any(|p| p.location == location && p.wire_name == data.name)
            {
                return Err((
                    self.lines.place(pointer),
                    format!("{location} parameter `{}` is declared twice", data.name),
                ));
            }
            parameters.push(Parameter {
                wire_name: data.name.clone(),
                rust_name: String::new(),
                location,
                required: data.required || location == ParameterLocation::Path,
                schema: schema_kind(self.spec, schema),
                declared: schema.clone(),
                shape,
                style,
                explode,
                description: data.description.clone(),
            });
        }
        for variable in &template {
            let declared = parameters
                .iter()
                .any(|p| p.location == ParameterLocation::Path && p.wire_name == *variable);
            if !declared {
                return Err((
                    self.lines.place(self.op.pointer.as_str()),
                    format!("the path names `{{{variable}}}`, which no path parameter declares"),
                ));
            }
        }
        sort(&mut parameters, &template);
        name(&mut parameters);
        Ok(Lowered {
            parameters,
            wants_token,
        })
    }

    /// A parameter, following a `$ref` to `components/parameters`; the pointer of where it is
    /// written (the component's, for a reference).
    fn resolve_parameter(
        &self,
        parameter: &'a ReferenceOr<SpecParameter>,
        pointer: String,
    ) -> Result<(&'a SpecParameter, String), (Place, String)> {
        match parameter {
            ReferenceOr::Item(parameter) => Ok((parameter, pointer)),
            ReferenceOr::Reference { reference } => {
                let spec: &'a OpenAPI = self.spec;
                let resolved =
                    reference
                        .strip_prefix("#/components/parameters/")
                        .and_then(|name| {
                            let found = spec.components.as_ref()?.parameters.get(name)?;
                            Some((name, found.as_item()?))
                        });
                match resolved {
                    Some((name, found)) => Ok((
                        found,
                        format!(
                            "/components/parameters/{}",
                            crate::error::pointer_segment(name)
                        ),
                    )),
                    None => Err((
                        self.lines.place(pointer),
                        format!("unresolved parameter reference {reference}"),
                    )),
                }
            }
        }
    }
}

/// Path parameters in path order, then queries by wire name, then headers by wire name.
fn sort(parameters: &mut [Parameter], template: &[String]) {
    let rank = |p: &Parameter| match p.location {
        ParameterLocation::Path => (0, template.iter().position(|v| *v == p.wire_name)),
        ParameterLocation::Query => (1, None),
        ParameterLocation::Header => (2, None),
    };
    parameters.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.wire_name.cmp(&b.wire_name))
    });
}

/// Rust names by the naming rule, made distinct. Reserved: `body` and `options` (the method's
/// own arguments), `request` (progenitor's binding of the request), `new` and `into_inner` (the
/// mock matcher's and the options struct's own methods), `default` (`Default::default` in the
/// options struct).
fn name(parameters: &mut [Parameter]) {
    let reserved = ["options", "body", "request", "new", "into_inner", "default"];
    let mut names: Vec<String> = reserved.iter().map(|name| name.to_string()).collect();
    names.extend(parameters.iter().map(|p| naming::snake_case(&p.wire_name)));
    let names = naming::distinct(names);
    for (parameter, name) in parameters
        .iter_mut()
        .zip(names.into_iter().skip(reserved.len()))
    {
        parameter.rust_name = name;
    }
}

/// The variables of a path template, in order: `/a/{x}/b/{y}` → x, y.
pub(super) fn path_variables(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// What a parameter's schema is, for docs.
fn schema_kind(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> SchemaKind {
    if let ReferenceOr::Reference { reference } = schema {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return SchemaKind::Component(name.to_string());
    }
    match access::resolve_schema(spec, schema).map(|s| &s.schema_kind) {
        Some(Kind::Type(Type::String(_))) => SchemaKind::String,
        Some(Kind::Type(Type::Integer(_))) => SchemaKind::Integer,
        Some(Kind::Type(Type::Number(_))) => SchemaKind::Number,
        Some(Kind::Type(Type::Boolean(_))) => SchemaKind::Boolean,
        Some(Kind::Type(Type::Array(_))) => SchemaKind::Array,
        Some(Kind::Type(Type::Object(_))) => SchemaKind::Object,
        _ => SchemaKind::Any,
    }
}
