//! A scratch crate under `target/scratch/<name>`: the client crate's own sources (its runtime,
//! its generated code, its flows) with extra generated modules added to its root, built
//! against the workspace's lock file and in the workspace's target directory, so that
//! dependencies built for the workspace are reused. This is how generated code is proven to
//! build: the golden cases' expected output (`cargo xtask golden-build`), or what a spec
//! generates (`cargo xtask try-spec`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The client package whose runtime the generated code is built against.
const CLIENT: &str = "plex-auth-client";

/// A module added to the scratch crate's root.
pub struct Module {
    /// Its name in the crate (`golden_two_servers`).
    pub name: String,
    /// Its `mod.rs`: generated files already on disk, used where they are.
    pub mod_rs: PathBuf,
}

/// The scratch crate of one purpose.
pub struct Scratch {
    workspace: PathBuf,
    root: PathBuf,
}

impl Scratch {
    /// The scratch crate `name` of the workspace at `workspace`.
    pub fn new(workspace: &Path, name: &str) -> Self {
        Self {
            workspace: workspace.to_path_buf(),
            root: target_dir(workspace).join("scratch").join(name),
        }
    }

    /// Where the crate is.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes the crate: a manifest with the client's dependencies and features, the
    /// workspace's lock file and profiles, the client's sources, and `modules` added to its
    /// root. Files whose contents did not change are left alone, so cargo rebuilds only what
    /// changed.
    pub fn assemble(&self, modules: &[Module]) -> Result<(), String> {
        let client = self.workspace.join(CLIENT);
        let src = self.root.join("src");
        copy_tree(&client.join("src"), &src, &|path| {
            // The binary is not part of what is built; the root is written below.
            !path.starts_with(client.join("src/bin")) && path != client.join("src/lib.rs")
        })?;
        write_if_changed(
            &self.root.join("README.md"),
            &read(&client.join("README.md"))?,
        )?;
        write_if_changed(
            &self.root.join("Cargo.lock"),
            &read(&self.workspace.join("Cargo.lock"))?,
        )?;
        write_if_changed(&self.root.join("Cargo.toml"), &self.manifest()?)?;
        let mut lib = read(&client.join("src/lib.rs"))?;
        lib.push_str(
            "\n// Added by the scratch build: generated modules built with this crate's runtime.\n",
        );
        for module in modules {
            lib.push_str(&format!(
                "#[allow(dead_code, missing_docs, unused_imports, clippy::all)]\n\
                 #[path = {:?}]\npub mod {};\n",
                module.mod_rs.display().to_string(),
                module.name
            ));
        }
        write_if_changed(&src.join("lib.rs"), &lib)
    }

    /// Builds the library with `features` of the client (its dependencies are all on either
    /// way: the features only turn generated modules on); the compiler's output when it fails.
    pub fn build(&self, features: &[&str]) -> Result<(), String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        // What cargo sets for the program it runs (this task, or a test running it) is not the
        // build's: a build script that reads one (ring reads CARGO_MANIFEST_DIR) would see it
        // change, and its crate and those above it would be built again, here and then back in
        // the workspace.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            let set_by_cargo = name.starts_with("CARGO_PKG_")
                || name.starts_with("CARGO_BIN_")
                || matches!(
                    name.as_ref(),
                    "CARGO_MANIFEST_DIR"
                        | "CARGO_MANIFEST_PATH"
                        | "CARGO_CRATE_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                        | "CARGO_TARGET_TMPDIR"
                        | "OUT_DIR"
                );
            if set_by_cargo {
                command.env_remove(name.as_ref());
            }
        }
        command
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", target_dir(&self.workspace))
            // The crate is its own workspace; the lock file is the workspace's, to which
            // cargo adds the scratch package: it cannot be `--locked`, and it must not go to
            // the network either.
            .args(["build", "--offline", "--lib", "--message-format", "short"]);
        if !features.is_empty() {
            command.args(["--features", &features.join(",")]);
        }
        let output = command
            .output()
            .map_err(|err| format!("cannot run cargo: {err}"))?;
        if output.status.success() {
            return Ok(());
        }
        Err(format!(
            "the scratch crate {} does not build (features: {}):\n{}",
            self.root.display(),
            if features.is_empty() {
                "none".to_string()
            } else {
                features.join(", ")
            },
            String::from_utf8_lossy(&output.stderr)
        ))
    }

    /// The scratch crate's manifest. Its dependencies are those of every package of the
    /// workspace (normal and dev, as `cargo metadata` resolves them), all enabled, and the
    /// client's features enable nothing more: cargo then resolves each dependency with the
    /// features `cargo test --workspace` does, under the workspace's profiles, and reuses what
    /// that build compiled instead of compiling another variant.
    fn manifest(&self) -> Result<String, String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .current_dir(&self.workspace)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .output()
            .map_err(|err| format!("cannot run cargo metadata: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let metadata: Value = serde_json::from_slice(&output.stdout)
            .map_err(|err| format!("cargo metadata's output does not read: {err}"))?;
        let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
        let client = packages
            .iter()
            .find(|p| p["name"] == CLIENT)
            .ok_or_else(|| format!("no package {CLIENT} in the workspace"))?;
        let mut dependencies: BTreeMap<String, Dependency> = BTreeMap::new();
        for package in &packages {
            for dependency in package["dependencies"].as_array().into_iter().flatten() {
                // Build dependencies run on the host; workspace members are not dependencies.
                if dependency["kind"] == "build" || dependency["source"].is_null() {
                    continue;
                }
                let dependency = Dependency::read(dependency)?;
                match dependencies.get_mut(&dependency.key) {
                    Some(known) => known.merge(dependency),
                    None => {
                        dependencies.insert(dependency.key.clone(), dependency);
                    }
                }
            }
        }
        let mut manifest = format!(
            "# Written by `cargo xtask`: a scratch crate built with {CLIENT}'s sources.\n\
             [package]\nname = \"plex-auth-scratch\"\nversion = \"0.0.0\"\n\
             edition = {}\npublish = false\nautobins = false\nautoexamples = false\n\
             autotests = false\nautobenches = false\n\n[lib]\npath = \"src/lib.rs\"\n\
             doctest = false\n\n[workspace]\n\n[dependencies]\n",
            toml_string(client["edition"].as_str().unwrap_or("2024"))
        );
        for dependency in dependencies.values() {
            manifest.push_str(&dependency.line());
        }
        manifest.push_str("\n[features]\n");
        if let Some(features) = client["features"].as_object() {
            for name in features.keys() {
                manifest.push_str(&format!("{name} = []\n"));
            }
        }
        manifest.push('\n');
        manifest.push_str(&profiles(&read(&self.workspace.join("Cargo.toml"))?));
        Ok(manifest)
    }
}

/// A registry dependency of the workspace, merged over the packages that declare it.
struct Dependency {
    /// The name it is used under (its `rename`, else its name).
    key: String,
    name: String,
    req: String,
    default_features: bool,
    features: BTreeSet<String>,
}

impl Dependency {
    fn read(dependency: &Value) -> Result<Self, String> {
        let name = dependency["name"]
            .as_str()
            .ok_or("a dependency without a name")?
            .to_string();
        Ok(Self {
            key: dependency["rename"].as_str().unwrap_or(&name).to_string(),
            req: dependency["req"].as_str().unwrap_or("*").to_string(),
            default_features: dependency["uses_default_features"] != false,
            features: dependency["features"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            name,
        })
    }

    fn merge(&mut self, other: Self) {
        self.default_features |= other.default_features;
        self.features.extend(other.features);
    }

    fn line(&self) -> String {
        let mut fields = vec![format!("version = {}", toml_string(&self.req))];
        if !self.default_features {
            fields.push("default-features = false".into());
        }
        if !self.features.is_empty() {
            let features: Vec<String> = self.features.iter().map(|f| toml_string(f)).collect();
            fields.push(format!("features = [{}]", features.join(", ")));
        }
        if self.key != self.name {
            fields.push(format!("package = {}", toml_string(&self.name)));
        }
        format!("{} = {{ {} }}\n", self.key, fields.join(", "))
    }
}

/// The target directory the workspace builds in.
pub fn target_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                workspace.join(dir)
            }
        })
        .unwrap_or_else(|| workspace.join("target"))
}

/// The `[profile.*]` tables of a manifest, as written.
fn profiles(manifest: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            inside = trimmed.starts_with("[profile");
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    // JSON string escapes are valid TOML basic-string escapes.
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
}

/// Writes `contents` unless the file already holds them (its modification time then stays,
/// and so does cargo's build of it).
pub fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if fs::read_to_string(path).is_ok_and(|current| current == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
    }
    fs::write(path, contents).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// Copies the files of `from` into `to` (those `keep` accepts), and removes files of `to` that
/// `from` no longer has.
fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<(), String> {
    let mut copied = Vec::new();
    let mut pending = vec![from.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|err| format!("cannot read {}: {err}", dir.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if !keep(&path) {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(from).unwrap_or(&path);
            let contents = read(&path)?;
            write_if_changed(&to.join(relative), &contents)?;
            copied.push(to.join(relative));
        }
    }
    remove_others(to, &copied)
}

/// Removes the files under `dir` that are not in `keep`.
fn remove_others(dir: &Path, keep: &[PathBuf]) -> Result<(), String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            remove_others(&path, keep)?;
        } else if !keep.contains(&path) && path.file_name().is_some_and(|n| n != "lib.rs") {
            fs::remove_file(&path)
                .map_err(|err| format!("cannot remove {}: {err}", path.display()))?;
        }
    }
    Ok(())
}
