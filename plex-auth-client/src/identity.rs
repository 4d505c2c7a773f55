//! Who is calling: the `X-Plex-*` identity headers every request carries.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::Error;

/// Who is calling: the `X-Plex-*` headers sent with every request.
///
/// plex.tv refuses requests without a client identifier (error 1000). Use one stable identifier
/// per installation of your application (a UUID stored on first run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIdentity {
    client_identifier: String,
    product: String,
    version: String,
    platform: Option<String>,
    platform_version: Option<String>,
    device: Option<String>,
    device_name: Option<String>,
    model: Option<String>,
    device_vendor: Option<String>,
    marketplace: Option<String>,
}

impl ClientIdentity {
    /// An identity with `X-Plex-Client-Identifier`, `X-Plex-Product` and `X-Plex-Version`.
    pub fn new(
        client_identifier: impl Into<String>,
        product: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self {
            client_identifier: client_identifier.into(),
            product: product.into(),
            version: version.into(),
            platform: None,
            platform_version: None,
            device: None,
            device_name: None,
            model: None,
            device_vendor: None,
            marketplace: None,
        }
    }

    /// Sets `X-Plex-Platform` (e.g. `Linux`, `Roku`).
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// Sets `X-Plex-Platform-Version`.
    pub fn platform_version(mut self, version: impl Into<String>) -> Self {
        self.platform_version = Some(version.into());
        self
    }

    /// Sets `X-Plex-Device` (e.g. `Roku 3`).
    pub fn device(mut self, device: impl Into<String>) -> Self {
        self.device = Some(device.into());
        self
    }

    /// Sets `X-Plex-Device-Name`, the name users see in their device list.
    pub fn device_name(mut self, name: impl Into<String>) -> Self {
        self.device_name = Some(name.into());
        self
    }

    /// Sets `X-Plex-Model` (the device's model).
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets `X-Plex-Device-Vendor` (the device's maker).
    pub fn device_vendor(mut self, vendor: impl Into<String>) -> Self {
        self.device_vendor = Some(vendor.into());
        self
    }

    /// Sets `X-Plex-Marketplace` (the store the app comes from).
    pub fn marketplace(mut self, marketplace: impl Into<String>) -> Self {
        self.marketplace = Some(marketplace.into());
        self
    }

    /// The client identifier.
    pub fn client_identifier(&self) -> &str {
        &self.client_identifier
    }

    /// The product name (`X-Plex-Product`).
    pub fn product(&self) -> &str {
        &self.product
    }

    /// The product version (`X-Plex-Version`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The context fields of the identity that plex.tv's auth page shows, by their name there
    /// (`product`, `version`, `platform`, `platformVersion`, `device`, `deviceName`), set ones
    /// only.
    pub(crate) fn device_context(&self) -> Vec<(&'static str, &str)> {
        [
            ("product", Some(&self.product)),
            ("version", Some(&self.version)),
            ("platform", self.platform.as_ref()),
            ("platformVersion", self.platform_version.as_ref()),
            ("device", self.device.as_ref()),
            ("deviceName", self.device_name.as_ref()),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?.as_str())))
        .collect()
    }

    /// The headers, checked: a value that cannot be a header (a newline, say) is an error
    /// naming the header.
    pub(crate) fn headers(&self) -> Result<HeaderMap, Error> {
        let fields = [
            ("x-plex-client-identifier", Some(&self.client_identifier)),
            ("x-plex-product", Some(&self.product)),
            ("x-plex-version", Some(&self.version)),
            ("x-plex-platform", self.platform.as_ref()),
            ("x-plex-platform-version", self.platform_version.as_ref()),
            ("x-plex-device", self.device.as_ref()),
            ("x-plex-device-name", self.device_name.as_ref()),
            ("x-plex-model", self.model.as_ref()),
            ("x-plex-device-vendor", self.device_vendor.as_ref()),
            ("x-plex-marketplace", self.marketplace.as_ref()),
        ];
        let mut headers = HeaderMap::with_capacity(fields.len() + 1);
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        for (name, value) in fields {
            let Some(value) = value else { continue };
            if name == "x-plex-client-identifier" && value.trim().is_empty() {
                return Err(Error::Config {
                    message: "X-Plex-Client-Identifier is empty; plex.tv refuses such requests"
                        .into(),
                });
            }
            let value = HeaderValue::from_str(value).map_err(|_| Error::Config {
                message: format!(
                    "{name} holds a character that is not allowed in a header (a newline or \
                     control character)"
                ),
            })?;
            headers.insert(HeaderName::from_static(name), value);
        }
        Ok(headers)
    }
}
