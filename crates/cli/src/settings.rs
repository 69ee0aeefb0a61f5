//! `Settings` — the deployment's configuration, built once at the binary's edge from an optional
//! TOML file (`--config FILE`) and the `GONGKAI_*` environment, then passed down as plain values
//! (a [`Location`], a [`KeySource`], [`ServerLimits`], a bind address). No library reads the
//! environment or a configuration file.
//!
//! Precedence, highest first: a command-line flag, the environment, the file, the default.
//! The PII key itself is never read from the file (a file is easily copied with the database);
//! give it as `GONGKAI_PII_KEY` or keep it in `pii.key` (or `pii_key_file`).
//!
//! ```toml
//! bind = "127.0.0.1:8080"
//! data = "/var/lib/gongkai"
//! database_url = "postgres://gongkai@127.0.0.1/gongkai"   # else SQLite in `data`
//! pii_key_file = "/etc/gongkai/pii.key"                   # default DATA/pii.key
//! query_key_file = "/etc/gongkai/query.key"               # default beside pii.key (the 查询码 key)
//! attachments_dir = "/var/lib/gongkai/attachments"        # default DATA/attachments (附件; never under a web root)
//! directory_cache_ms = 2000   # how long another server's change to an agency (its settings,
//!                             # departments, published reports) or the calendar may go unseen
//! behind_tls = true        # reached over https: the session cookie is Secure (GONGKAI_BEHIND_TLS)
//!
//! [limits]
//! filing_limit = 10        # filings per hour per address (0 = off)
//! filing_burst = 5
//! tracking_limit = 60      # 查询码 tries per minute per address (0 = off)
//! tracking_burst = 20
//! max_connections = 1024
//! header_timeout = 10      # seconds
//! request_timeout = 30
//! body_timeout = 15       # seconds to receive a whole request body, API and forms (408)
//! max_body = 1048576       # bytes
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, Result};
use gongkai_store::keys::{KEY_ENV, KEY_FILE};
use gongkai_store::{KeySource, Location};
use gongkai_web::{RateLimit, ServerLimits};
use serde::Deserialize;

/// Selects PostgreSQL (and names its database).
pub const DATABASE_ENV: &str = "GONGKAI_DATABASE_URL";
/// The address `serve` listens on.
pub const BIND_ENV: &str = "GONGKAI_BIND";
/// The PII key file, when not `DATA/pii.key`.
pub const KEY_FILE_ENV: &str = "GONGKAI_PII_KEY_FILE";
/// The 查询码 key file, when not beside the PII key file (or in `DATA`).
pub const QUERY_KEY_FILE_ENV: &str = "GONGKAI_QUERY_KEY_FILE";
/// The attachment directory, when not `DATA/attachments`.
pub const ATTACHMENTS_DIR_ENV: &str = "GONGKAI_ATTACHMENTS_DIR";
/// The agency directory's time to live in milliseconds (`directory_cache_ms`).
pub const DIRECTORY_CACHE_ENV: &str = "GONGKAI_DIRECTORY_CACHE_MS";
/// The longest time to live accepted: a change must show within a minute.
const DIRECTORY_CACHE_MAX_MS: u64 = 60_000;

/// The server's limits as the file or the environment give them (`GONGKAI_FILING_LIMIT` …).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    pub filing_limit: Option<u32>,
    pub filing_burst: Option<u32>,
    pub tracking_limit: Option<u32>,
    pub tracking_burst: Option<u32>,
    pub max_connections: Option<usize>,
    pub header_timeout: Option<u64>,
    pub request_timeout: Option<u64>,
    pub body_timeout: Option<u64>,
    pub max_body: Option<usize>,
}

impl LimitSettings {
    /// Each limit from `over` where it says, else from `self`.
    pub fn overridden_by(&self, over: &LimitSettings) -> LimitSettings {
        LimitSettings {
            filing_limit: over.filing_limit.or(self.filing_limit),
            filing_burst: over.filing_burst.or(self.filing_burst),
            tracking_limit: over.tracking_limit.or(self.tracking_limit),
            tracking_burst: over.tracking_burst.or(self.tracking_burst),
            max_connections: over.max_connections.or(self.max_connections),
            header_timeout: over.header_timeout.or(self.header_timeout),
            request_timeout: over.request_timeout.or(self.request_timeout),
            body_timeout: over.body_timeout.or(self.body_timeout),
            max_body: over.max_body.or(self.max_body),
        }
    }

    /// The limits, with the defaults for what nobody said.
    pub fn limits(&self) -> ServerLimits {
        let secs = |s: u64| Duration::from_secs(s.max(1));
        ServerLimits {
            header_read_timeout: secs(self.header_timeout.unwrap_or(10)),
            request_timeout: secs(self.request_timeout.unwrap_or(30)),
            body_read_timeout: secs(self.body_timeout.unwrap_or(15)),
            max_connections: self.max_connections.unwrap_or(1024).max(1),
            max_body_bytes: self.max_body.unwrap_or(1024 * 1024).max(1024),
            filing: RateLimit::per_hour(
                self.filing_limit.unwrap_or(10),
                self.filing_burst.unwrap_or(5),
            ),
            tracking: RateLimit::per_minute(
                self.tracking_limit.unwrap_or(60),
                self.tracking_burst.unwrap_or(20),
            ),
            // Logins per address: the default, not configurable (an account also locks).
            login: ServerLimits::default().login,
        }
    }
}

/// What a configuration file may say.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    bind: Option<SocketAddr>,
    data: Option<PathBuf>,
    database_url: Option<String>,
    pii_key_file: Option<PathBuf>,
    query_key_file: Option<PathBuf>,
    attachments_dir: Option<PathBuf>,
    directory_cache_ms: Option<u64>,
    behind_tls: Option<bool>,
    #[serde(default)]
    limits: LimitSettings,
}

/// The deployment's settings (file and environment merged; flags are applied by each command).
#[derive(Clone, Default)]
pub struct Settings {
    pub bind: Option<SocketAddr>,
    /// The data directory when no `--data` / `GONGKAI_DATA` says.
    pub data: Option<PathBuf>,
    /// `postgres://…` selects PostgreSQL; otherwise SQLite under the data directory.
    pub database_url: Option<String>,
    /// The PII key as 64 hex digits (`GONGKAI_PII_KEY` only).
    pii_key: Option<String>,
    pub pii_key_file: Option<PathBuf>,
    /// The 查询码 key file (see `gongkai_store::QueryKey`).
    pub query_key_file: Option<PathBuf>,
    /// Where attachments' bytes are kept (default `DATA/attachments`; shared by every server of
    /// a PostgreSQL deployment, so a network file system there).
    pub attachments_dir: Option<PathBuf>,
    /// How long the agency directory is kept in memory, in milliseconds (default 2000; 0 = read
    /// the database every time).
    pub directory_cache_ms: Option<u64>,
    /// The deployment is reached over TLS (a proxy terminates it): the back office's session
    /// cookie is then `Secure`.
    pub behind_tls: bool,
    pub limits: LimitSettings,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("data", &self.data)
            .field("database_url", &self.database_url.as_ref().map(|_| "…"))
            .field("pii_key", &self.pii_key.as_ref().map(|_| KEY_ENV))
            .field("pii_key_file", &self.pii_key_file)
            .field("query_key_file", &self.query_key_file)
            .field("attachments_dir", &self.attachments_dir)
            .field("directory_cache_ms", &self.directory_cache_ms)
            .field("behind_tls", &self.behind_tls)
            .field("limits", &self.limits)
            .finish()
    }
}

fn parse_env<T: std::str::FromStr>(env: &HashMap<String, String>, name: &str) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    match env.get(name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{name}={v}: {e}")),
    }
}

impl Settings {
    /// Merges the file's text (`source` names it in errors) and the environment.
    pub fn from_sources(
        file: Option<(&str, &Path)>,
        env: &HashMap<String, String>,
    ) -> Result<Settings> {
        let parsed: SettingsFile = match file {
            Some((text, path)) => toml::from_str(text)
                .with_context(|| format!("configuration file {}", path.display()))?,
            None => SettingsFile::default(),
        };
        let env_limits = LimitSettings {
            filing_limit: parse_env(env, "GONGKAI_FILING_LIMIT")?,
            filing_burst: parse_env(env, "GONGKAI_FILING_BURST")?,
            tracking_limit: parse_env(env, "GONGKAI_TRACKING_LIMIT")?,
            tracking_burst: parse_env(env, "GONGKAI_TRACKING_BURST")?,
            max_connections: parse_env(env, "GONGKAI_MAX_CONNECTIONS")?,
            header_timeout: parse_env(env, "GONGKAI_HEADER_TIMEOUT")?,
            request_timeout: parse_env(env, "GONGKAI_REQUEST_TIMEOUT")?,
            body_timeout: parse_env(env, "GONGKAI_BODY_TIMEOUT")?,
            max_body: parse_env(env, "GONGKAI_MAX_BODY")?,
        };
        let database_url = env
            .get(DATABASE_ENV)
            .cloned()
            .or(parsed.database_url)
            // Only a PostgreSQL URL selects PostgreSQL; SQLite is the data directory.
            .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"));
        let directory_cache_ms = parse_env(env, DIRECTORY_CACHE_ENV)?.or(parsed.directory_cache_ms);
        if let Some(ms) = directory_cache_ms.filter(|&ms| ms > DIRECTORY_CACHE_MAX_MS) {
            anyhow::bail!(
                "directory_cache_ms = {ms}: at most {DIRECTORY_CACHE_MAX_MS} (a change must show within a minute)"
            );
        }
        Ok(Settings {
            directory_cache_ms,
            bind: parse_env(env, BIND_ENV)?.or(parsed.bind),
            data: parsed.data,
            database_url,
            pii_key: env.get(KEY_ENV).cloned(),
            pii_key_file: env
                .get(KEY_FILE_ENV)
                .map(PathBuf::from)
                .or(parsed.pii_key_file),
            query_key_file: env
                .get(QUERY_KEY_FILE_ENV)
                .map(PathBuf::from)
                .or(parsed.query_key_file),
            attachments_dir: env
                .get(ATTACHMENTS_DIR_ENV)
                .map(PathBuf::from)
                .or(parsed.attachments_dir),
            behind_tls: parse_env(env, "GONGKAI_BEHIND_TLS")?
                .or(parsed.behind_tls)
                .unwrap_or(false),
            limits: parsed.limits.overridden_by(&env_limits),
        })
    }

    /// How long the agency directory is kept in memory.
    pub fn directory_ttl(&self) -> Duration {
        self.directory_cache_ms
            .map_or(gongkai_app::DIRECTORY_TTL, Duration::from_millis)
    }

    /// Reads `--config FILE` (if given) and takes the `GONGKAI_*` variables of `env`.
    pub fn load(
        config: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
    ) -> Result<Settings> {
        let env: HashMap<String, String> = env.filter(|(k, _)| k.starts_with("GONGKAI_")).collect();
        match config {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("cannot read the configuration file {}", path.display())
                })?;
                Self::from_sources(Some((&text, path)), &env)
            }
            None => Self::from_sources(None, &env),
        }
    }

    /// The data directory: the command's `--data` (or `GONGKAI_DATA`), else the file's, else
    /// `data`.
    pub fn data_dir(&self, flag: Option<&Path>) -> PathBuf {
        flag.map(Path::to_path_buf)
            .or_else(|| self.data.clone())
            .unwrap_or_else(|| PathBuf::from("data"))
    }

    /// Where the data lives: PostgreSQL when a URL is set, else SQLite in `data`.
    pub fn location(&self, data: &Path) -> Location {
        match &self.database_url {
            Some(url) => Location::Postgres { url: url.clone() },
            None => Location::Dir(data.to_path_buf()),
        }
    }

    /// `GONGKAI_PII_KEY` if set, else the key file (`pii_key_file`, default `DATA/pii.key`).
    pub fn key_source(&self, data: &Path) -> KeySource {
        match &self.pii_key {
            Some(hex_key) => KeySource::Env(hex_key.clone()),
            None => KeySource::File(
                self.pii_key_file
                    .clone()
                    .unwrap_or_else(|| data.join(KEY_FILE)),
            ),
        }
    }
}

impl Settings {
    /// Where attachments' bytes are kept: as set, else `DATA/attachments`.
    pub fn attachments_path(&self, data: &Path) -> PathBuf {
        self.attachments_dir
            .clone()
            .unwrap_or_else(|| data.join(gongkai_store::attachments::DIR))
    }

    /// Where the 查询码 key file is: as set, else `None` (beside the key file, or in `data` for
    /// SQLite) — except for PostgreSQL with the key from the environment, which has no key
    /// file to sit beside: `data/query.key` then, so that `key rotate` keeps every code.
    pub fn query_key_path(&self, data: &Path) -> Option<PathBuf> {
        self.query_key_file.clone().or_else(|| {
            (self.pii_key.is_some() && self.database_url.is_some())
                .then(|| data.join(gongkai_store::keys::QUERY_KEY_FILE))
        })
    }
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Installs the settings built in `main` (once).
pub fn install(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

/// The settings `main` built (the defaults before that, for unit tests).
pub fn get() -> &'static Settings {
    SETTINGS.get_or_init(Settings::default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_environment_overrides_the_file_and_defaults_fill_the_rest() {
        let file = r#"
            bind = "0.0.0.0:9000"
            data = "/srv/gongkai"
            database_url = "postgres://file@127.0.0.1/gongkai"
            [limits]
            filing_limit = 3
            max_body = 4096
        "#;
        let s = Settings::from_sources(
            Some((file, Path::new("gongkai.toml"))),
            &env(&[
                ("GONGKAI_DATABASE_URL", "postgres://env@127.0.0.1/gongkai"),
                ("GONGKAI_FILING_LIMIT", "7"),
            ]),
        )
        .unwrap();
        assert_eq!(s.bind, Some("0.0.0.0:9000".parse().unwrap()));
        assert_eq!(s.data_dir(None), PathBuf::from("/srv/gongkai"));
        assert_eq!(
            s.data_dir(Some(Path::new("d"))),
            PathBuf::from("d"),
            "the flag wins"
        );
        assert!(
            matches!(s.location(Path::new("d")), Location::Postgres { url } if url.contains("env@"))
        );
        assert_eq!(s.limits.filing_limit, Some(7));
        let limits = s.limits.limits();
        assert_eq!(limits.max_body_bytes, 4096);
        assert_eq!(limits.max_connections, 1024, "default");
        assert_eq!(
            s.key_source(Path::new("/srv/gongkai")),
            KeySource::File(PathBuf::from("/srv/gongkai/pii.key"))
        );
        assert_eq!(
            s.query_key_path(Path::new("d")),
            None,
            "beside the key file"
        );
        let keyed = Settings::from_sources(None, &env(&[("GONGKAI_PII_KEY", "ab")])).unwrap();
        let pg_keyed = Settings::from_sources(
            None,
            &env(&[
                ("GONGKAI_PII_KEY", "ab"),
                ("GONGKAI_DATABASE_URL", "postgres://x@127.0.0.1/g"),
            ]),
        )
        .unwrap();
        assert_eq!(
            pg_keyed.query_key_path(Path::new("d")),
            Some(PathBuf::from("d/query.key"))
        );
        assert_eq!(
            keyed.key_source(Path::new("d")),
            KeySource::Env("ab".into())
        );
        assert!(
            !format!("{keyed:?}").contains("ab\""),
            "the key is not printed"
        );
    }

    #[test]
    fn the_directory_cache_is_two_seconds_unless_set_and_at_most_a_minute() {
        let default = Settings::from_sources(None, &env(&[])).unwrap();
        assert_eq!(default.directory_ttl(), Duration::from_secs(2));
        let file = Settings::from_sources(
            Some(("directory_cache_ms = 500", Path::new("g.toml"))),
            &env(&[]),
        )
        .unwrap();
        assert_eq!(file.directory_ttl(), Duration::from_millis(500));
        let off = Settings::from_sources(
            Some(("directory_cache_ms = 500", Path::new("g.toml"))),
            &env(&[("GONGKAI_DIRECTORY_CACHE_MS", "0")]),
        )
        .unwrap();
        assert_eq!(off.directory_ttl(), Duration::ZERO, "the environment wins");
        let e = Settings::from_sources(None, &env(&[("GONGKAI_DIRECTORY_CACHE_MS", "600000")]))
            .unwrap_err();
        assert!(format!("{e:#}").contains("directory_cache_ms"), "{e:#}");
    }

    #[test]
    fn a_bad_file_or_variable_is_an_error_naming_it() {
        let e = Settings::from_sources(Some(("colour = 1", Path::new("g.toml"))), &env(&[]))
            .unwrap_err();
        assert!(format!("{e:#}").contains("g.toml"), "{e:#}");
        let e = Settings::from_sources(None, &env(&[("GONGKAI_BIND", "nowhere")])).unwrap_err();
        assert!(format!("{e:#}").contains("GONGKAI_BIND"), "{e:#}");
        let e = Settings::from_sources(Some(("pii_key = \"00\"", Path::new("g.toml"))), &env(&[]))
            .unwrap_err();
        assert!(
            format!("{e:#}").contains("g.toml"),
            "no key in a file: {e:#}"
        );
    }
}
