//! The organisation's estate: sites, zones, the network links between zones, the systems
//! that run in them and the credentials an attacker can steal.

use serde::{Deserialize, Serialize};

use super::Minutes;

/// A physical or cloud location; power and region outages strike whole sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Stable id other parts of the scenario refer to.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What sort of place it is.
    #[serde(default)]
    pub kind: SiteKind,
    /// How many systems from other sites it can run at once (failed over or restored into
    /// it). Default: no limit.
    #[serde(default)]
    pub capacity: Option<u32>,
}

/// What sort of place a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SiteKind {
    /// A data centre or office the organisation runs.
    #[default]
    OnPremises,
    /// A cloud region.
    CloudRegion,
    /// A colocation or disaster-recovery facility.
    Colocation,
}

/// A network segment inside a site; reachability is decided between zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The site the zone is in.
    pub site: String,
    /// Whether the internet reaches this zone directly (where initial access lands).
    #[serde(default)]
    pub internet_facing: bool,
}

/// A network path between two zones, optionally carried by a network device system:
/// when that device is isolated, down or destroyed, the link is cut.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// One end (a zone id).
    pub from: String,
    /// The other end (a zone id); links carry traffic both ways.
    pub to: String,
    /// The firewall, switch or router system the link runs through.
    #[serde(default)]
    pub via: Option<String>,
}

/// A host, service, database, network device or SaaS the organisation runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the system is.
    pub kind: SystemKind,
    /// The zone it sits in.
    pub zone: String,
    /// Business cost per hour while it is unavailable, in the scenario's currency.
    #[serde(default)]
    pub criticality: u64,
    /// Systems that must be available for this one to be available.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Defensive controls on the system.
    #[serde(default)]
    pub controls: Controls,
    /// Backups this system can be restored from.
    #[serde(default)]
    pub backups: Vec<Backup>,
    /// Replication to a disaster-recovery site, which makes failover possible.
    #[serde(default)]
    pub replication: Option<Replication>,
    /// Free-form labels (vulnerabilities such as `"vuln:cve-2023-4966"`, roles, owners) that
    /// attack stages and actions select on.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Business data the system holds, in gigabytes (bounds what can be exfiltrated).
    #[serde(default)]
    pub data_gb: f64,
    /// How long it takes to come up after power returns (default by kind: see
    /// `SystemKind::boot_time`).
    #[serde(default)]
    pub boot_time: Option<Minutes>,
    /// What it needs while it runs at its DR site, instead of `depends_on` (default: the
    /// same systems, which it reaches wherever they run).
    #[serde(default)]
    pub dr_depends_on: Option<Vec<String>>,
    /// Runs on more than one node behind a balancer, so maintenance that takes one node
    /// down at a time (a patch) keeps it in service (default false).
    #[serde(default)]
    pub redundant: bool,
    /// Its own service needs outbound traffic through the perimeter (a SaaS connector, a
    /// payment gateway): blocking C2 on it cuts that traffic too, for this long, until the
    /// block is narrowed to the attacker's endpoints (default: none).
    #[serde(default)]
    pub needs_egress: Option<Minutes>,
}

/// What a system is; actions and attack stages select on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum SystemKind {
    Workstation,
    Server,
    DomainController,
    Database,
    FileServer,
    Application,
    WebServer,
    Email,
    Firewall,
    Switch,
    Router,
    Vpn,
    Hypervisor,
    BackupServer,
    Storage,
    Saas,
    CloudService,
    Identity,
    Monitoring,
}

impl SystemKind {
    /// How long a system of this kind takes to come up after power returns, when the
    /// scenario does not say: network gear and appliances boot in minutes; servers,
    /// databases and storage take longer (firmware, RAID checks, service start-up).
    pub fn boot_time(self) -> Minutes {
        Minutes(match self {
            SystemKind::Saas | SystemKind::CloudService | SystemKind::Identity => 0,
            SystemKind::Workstation => 5,
            SystemKind::Firewall | SystemKind::Switch | SystemKind::Router | SystemKind::Vpn => 5,
            SystemKind::Server
            | SystemKind::Application
            | SystemKind::WebServer
            | SystemKind::Email
            | SystemKind::FileServer
            | SystemKind::Monitoring
            | SystemKind::BackupServer => 10,
            SystemKind::DomainController | SystemKind::Hypervisor => 15,
            SystemKind::Database | SystemKind::Storage => 20,
        })
    }

    /// Network devices carry links: isolating one cuts the zones behind it.
    pub fn is_network_device(self) -> bool {
        matches!(
            self,
            SystemKind::Firewall | SystemKind::Switch | SystemKind::Router | SystemKind::Vpn
        )
    }
}

/// Defensive controls on a system; they change the attacker's noise and what investigation
/// can find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Controls {
    /// Endpoint detection and response agent.
    #[serde(default)]
    pub edr: bool,
    /// How much the system logs centrally.
    #[serde(default)]
    pub logging: Logging,
    /// Multi-factor authentication on interactive and remote logins.
    #[serde(default)]
    pub mfa: bool,
}

/// How much a system logs centrally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub enum Logging {
    /// Nothing leaves the host.
    #[default]
    None,
    /// Authentication and system events reach the SIEM.
    Basic,
    /// Detailed process, network and audit logs reach the SIEM.
    Full,
}

/// One backup of a system, as it stands when the drill starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// Stable id, unique within the scenario.
    pub id: String,
    /// Time since the backup was taken: restoring it loses that much data (RPO).
    pub age: Minutes,
    /// Kept off the network (tape, vault): attackers cannot reach it.
    #[serde(default)]
    pub offline: bool,
    /// Write-once storage: attackers cannot delete or encrypt it.
    #[serde(default)]
    pub immutable: bool,
    /// How long a restore from it takes.
    pub restore_time: Minutes,
    /// The longest a restore from it takes: when given, each restore takes a time drawn
    /// between `restore_time` and this from the drill's random numbers.
    #[serde(default)]
    pub restore_time_max: Option<Minutes>,
    /// Other sites it can be restored into while the system's own site is down (the copy is
    /// kept off-site). Default: only the system's own site.
    #[serde(default)]
    pub restore_to: Vec<String>,
    /// Already holds the attacker's persistence (taken during the intruder's dwell time):
    /// restoring it re-infects the system.
    #[serde(default)]
    pub infected: bool,
}

/// Replication of a system to a disaster-recovery site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replication {
    /// The site that holds the replica.
    pub site: String,
    /// Data lost on failover (recovery point objective).
    pub rpo: Minutes,
    /// Time a failover takes (recovery time objective).
    pub rto: Minutes,
    /// The longest a failover takes: when given, each failover takes a time drawn between
    /// `rto` and this.
    #[serde(default)]
    pub rto_max: Option<Minutes>,
    /// The chance (0 to 1) that a failover does not bring the replica up; default 0.
    #[serde(default)]
    pub failure_chance: f64,
}

/// A credential an attack stage can steal and a reset voids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The system whose credential reset voids it (a domain controller, an identity provider).
    pub issuer: String,
    /// The privilege the credential grants where it is used.
    pub privilege: Privilege,
    /// Systems that log in with it (services with a service account, the workstations of
    /// the people it belongs to): a reset stops them until they are reconfigured.
    #[serde(default)]
    pub used_by: Vec<String>,
}

/// Privilege levels of an attacker foothold or a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub enum Privilege {
    /// An ordinary user account.
    #[default]
    User,
    /// Local administrator of a system.
    Admin,
    /// Domain or tenant-wide administrator.
    Domain,
}
