//! The image catalogue: every image kubeniwa's simulated registries hold, as plain data.
//! Each repository lists its builds (one build = one digest, reachable under several
//! tags), the compressed size containerd reports (`Image size: N bytes.` in the kubelet's
//! `Pulled` event), how long a first pull takes on a node with a ~15 MB/s link, and what
//! the image runs when a container gives no command (`Run`).
//!
//! Adding an image is adding a row. A reference that is not here does not exist (see
//! `images.rs` for how such pulls fail). Sizes are close to the real amd64 images of late
//! 2024 (Kubernetes v1.32's release); digests are made up (`images::digest_of`).

/// What an image runs when the pod gives no `command` (its ENTRYPOINT/CMD).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// A long-running server (nginx, httpd, redis, etcd, ...): runs until stopped and exits
    /// promptly (status 0) on SIGTERM.
    Server,
    /// A server that refuses to start unless one of these environment variables is set
    /// (postgres, mysql): without them it prints an error and exits with status 1.
    ServerNeedingEnv(&'static [&'static str]),
    /// A shell (busybox, alpine, ubuntu): with no command and no terminal attached it reads
    /// end-of-file and exits 0 at once, so `restartPolicy: Always` makes it crash-loop.
    Shell,
    /// `agnhost`: its ENTRYPOINT takes a subcommand; servers (`netexec`, `serve-hostname`,
    /// `pause`, ...) run, anything else prints help and exits 0.
    Agnhost,
}

/// One image build: a digest and the tags that point at it.
#[derive(Debug, PartialEq, Eq)]
pub struct Build {
    /// The tags (the first is the most specific one).
    pub tags: &'static [&'static str],
    /// Size in bytes as containerd reports it.
    pub size_bytes: i64,
    /// Duration of a first pull in milliseconds (before per-node variation).
    pub pull_ms: i64,
}

/// A repository: its fully qualified name, builds and default process.
#[derive(Debug, PartialEq, Eq)]
pub struct Repo {
    /// `docker.io/library/nginx`, `registry.k8s.io/pause`, ...
    pub name: &'static str,
    /// Its builds.
    pub builds: &'static [Build],
    /// What it runs by default.
    pub run: Run,
}

const fn b(tags: &'static [&'static str], size_bytes: i64, pull_ms: i64) -> Build {
    Build {
        tags,
        size_bytes,
        pull_ms,
    }
}

/// Every repository.
pub static REPOS: &[Repo] = &[
    Repo {
        name: "docker.io/library/nginx",
        run: Run::Server,
        builds: &[
            b(
                &["1.27.3", "1.27", "1", "mainline", "latest"],
                72_188_133,
                5_210,
            ),
            b(&["1.26.2", "1.26", "stable"], 71_027_698, 5_140),
            b(&["1.25.5", "1.25"], 70_544_717, 5_110),
            b(&["1.24.0", "1.24"], 56_749_235, 4_150),
            b(&["1.23.4", "1.23"], 56_991_347, 4_170),
            b(&["1.22.1", "1.22"], 56_732_085, 4_150),
            b(&["1.21.6", "1.21"], 54_144_963, 3_990),
            b(&["1.20.2", "1.20"], 53_626_312, 3_950),
            b(&["1.19.10", "1.19"], 53_598_218, 3_940),
            b(&["1.18.0", "1.18"], 51_032_911, 3_770),
            b(&["1.17.10", "1.17"], 51_002_316, 3_770),
            b(&["1.16.1", "1.16"], 51_022_413, 3_770),
            b(&["1.15.12", "1.15"], 49_156_347, 3_640),
            b(&["1.14.2", "1.14"], 44_710_204, 3_340),
            b(&["1.13.12", "1.13"], 44_563_611, 3_330),
            b(&["1.12.2", "1.12"], 44_688_131, 3_340),
            b(&["1.11.13", "1.11"], 44_218_372, 3_300),
            b(&["1.10.3", "1.10"], 43_908_261, 3_280),
            b(&["1.9.15", "1.9"], 42_861_011, 3_210),
            b(&["1.8.1", "1.8"], 42_604_612, 3_190),
            b(&["1.7.12", "1.7"], 39_911_340, 3_020),
            b(&["1.7.9"], 39_947_447, 3_020),
            b(
                &["1.27.3-alpine", "1.27-alpine", "alpine", "mainline-alpine"],
                20_506_017,
                1_770,
            ),
            b(
                &["1.26.2-alpine", "1.26-alpine", "stable-alpine"],
                20_363_474,
                1_760,
            ),
        ],
    },
    Repo {
        name: "docker.io/library/busybox",
        run: Run::Shell,
        builds: &[
            b(&["1.37.0", "1.37", "1", "stable", "latest"], 2_167_176, 550),
            b(&["1.36.1", "1.36"], 2_152_262, 550),
            b(&["1.35.0", "1.35"], 2_219_987, 560),
            b(&["1.34.1", "1.34"], 772_788, 450),
            b(&["1.33.1", "1.33"], 764_619, 450),
            b(&["1.32.1", "1.32"], 760_770, 450),
            b(&["1.31.1", "1.31"], 764_556, 450),
            b(&["1.28.4", "1.28"], 727_869, 450),
            b(&["1.27.2", "1.27"], 730_152, 450),
        ],
    },
    Repo {
        name: "k8s.gcr.io/busybox",
        run: Run::Shell,
        builds: &[b(&["1.24", "latest"], 1_144_547, 520)],
    },
    Repo {
        name: "registry.k8s.io/busybox",
        run: Run::Shell,
        builds: &[
            b(&["1.24", "latest"], 1_144_547, 520),
            b(&["1.27.2"], 730_152, 450),
        ],
    },
    Repo {
        name: "docker.io/library/alpine",
        run: Run::Shell,
        builds: &[
            b(&["3.21.0", "3.21", "3", "latest"], 3_641_715, 640),
            b(&["3.20.3", "3.20"], 3_626_898, 640),
            b(&["3.19.4", "3.19"], 3_420_731, 630),
            b(&["3.18.9", "3.18"], 3_415_282, 630),
            b(&["3.17.10", "3.17"], 3_385_105, 630),
            b(&["3.16.9", "3.16"], 2_825_211, 590),
        ],
    },
    Repo {
        name: "docker.io/library/ubuntu",
        run: Run::Shell,
        builds: &[
            b(&["24.04", "noble", "latest"], 29_750_045, 2_380),
            b(&["22.04", "jammy"], 29_534_055, 2_370),
            b(&["20.04", "focal"], 27_508_891, 2_230),
        ],
    },
    Repo {
        name: "docker.io/library/debian",
        run: Run::Shell,
        builds: &[
            b(&["12.8", "12", "bookworm", "latest"], 48_494_272, 3_630),
            b(&["bookworm-slim", "12-slim"], 28_229_728, 2_280),
        ],
    },
    Repo {
        name: "docker.io/library/httpd",
        run: Run::Server,
        builds: &[
            b(&["2.4.62", "2.4", "2", "latest"], 58_229_418, 4_280),
            b(
                &["2.4.62-alpine", "2.4-alpine", "alpine"],
                21_657_131,
                1_840,
            ),
        ],
    },
    Repo {
        name: "docker.io/library/redis",
        run: Run::Server,
        builds: &[
            b(&["7.4.1", "7.4", "7", "latest"], 45_080_118, 3_410),
            b(&["7.2.6", "7.2"], 43_973_810, 3_330),
            b(&["6.2.16", "6.2", "6"], 40_206_316, 3_080),
            b(
                &["7.4.1-alpine", "7.4-alpine", "7-alpine", "alpine"],
                17_205_373,
                1_550,
            ),
        ],
    },
    Repo {
        name: "docker.io/library/postgres",
        run: Run::ServerNeedingEnv(&["POSTGRES_PASSWORD", "POSTGRES_HOST_AUTH_METHOD"]),
        builds: &[
            b(&["17.2", "17", "latest"], 158_291_040, 10_950),
            b(&["16.6", "16"], 157_514_204, 10_900),
            b(&["15.10", "15"], 152_101_889, 10_540),
            b(&["14.15", "14"], 151_011_452, 10_470),
            b(&["17.2-alpine", "17-alpine", "alpine"], 104_335_121, 7_360),
        ],
    },
    Repo {
        name: "docker.io/library/mysql",
        run: Run::ServerNeedingEnv(&[
            "MYSQL_ROOT_PASSWORD",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
        ]),
        builds: &[
            b(
                &["9.1.0", "9.1", "9", "innovation", "latest"],
                172_458_128,
                11_900,
            ),
            b(&["8.4.3", "8.4", "8", "lts"], 170_307_474, 11_750),
            b(&["8.0.40", "8.0"], 168_230_520, 11_620),
            b(&["5.7.44", "5.7", "5"], 137_823_001, 9_590),
        ],
    },
    // The Kubernetes docs' StatefulSet example image (a small nginx build).
    Repo {
        name: "registry.k8s.io/nginx-slim",
        run: Run::Server,
        builds: &[
            b(&["0.27"], 37_442_312, 2_610),
            b(&["0.24"], 37_161_216, 2_590),
            b(&["0.8"], 53_658_374, 3_600),
        ],
    },
    Repo {
        name: "registry.k8s.io/e2e-test-images/agnhost",
        run: Run::Agnhost,
        builds: &[
            b(&["2.53"], 53_118_214, 3_940),
            b(&["2.52"], 52_967_303, 3_930),
            b(&["2.47"], 51_204_128, 3_810),
            b(&["2.45"], 50_950_221, 3_800),
            b(&["2.43"], 50_611_810, 3_770),
            b(&["2.40"], 50_024_510, 3_730),
            b(&["2.39"], 49_816_430, 3_720),
        ],
    },
    Repo {
        name: "docker.io/hashicorp/http-echo",
        run: Run::Server,
        builds: &[
            b(&["1.0.0", "1.0", "latest"], 3_498_207, 630),
            b(&["0.2.3"], 2_743_624, 580),
        ],
    },
    Repo {
        name: "registry.k8s.io/pause",
        run: Run::Server,
        builds: &[
            b(&["3.10", "latest"], 320_368, 420),
            b(&["3.9"], 321_520, 420),
            b(&["3.8"], 311_286, 420),
            b(&["3.7"], 311_278, 420),
        ],
    },
    Repo {
        name: "registry.k8s.io/etcd",
        run: Run::Server,
        builds: &[b(&["3.5.16-0"], 57_680_541, 4_250)],
    },
    Repo {
        name: "registry.k8s.io/kube-apiserver",
        run: Run::Server,
        builds: &[
            b(&["v1.32.0"], 28_670_731, 2_310),
            b(&["v1.32.1"], 28_671_624, 2_310),
            b(&["v1.32.2"], 28_672_508, 2_310),
        ],
    },
    Repo {
        name: "registry.k8s.io/kube-controller-manager",
        run: Run::Server,
        builds: &[
            b(&["v1.32.0"], 26_258_470, 2_150),
            b(&["v1.32.1"], 26_259_178, 2_150),
            b(&["v1.32.2"], 26_260_311, 2_150),
        ],
    },
    Repo {
        name: "registry.k8s.io/kube-scheduler",
        run: Run::Server,
        builds: &[
            b(&["v1.32.0"], 20_657_536, 1_780),
            b(&["v1.32.1"], 20_658_011, 1_780),
            b(&["v1.32.2"], 20_658_790, 1_780),
        ],
    },
    Repo {
        name: "registry.k8s.io/kube-proxy",
        run: Run::Server,
        builds: &[
            b(&["v1.32.0"], 30_906_462, 2_460),
            b(&["v1.32.1"], 30_907_090, 2_460),
            b(&["v1.32.2"], 30_907_854, 2_460),
        ],
    },
    Repo {
        name: "registry.k8s.io/coredns/coredns",
        run: Run::Server,
        builds: &[b(&["v1.11.3"], 18_562_039, 1_640)],
    },
];

/// Images a kubeadm node already holds when the cluster starts (`kubeadm config images
/// pull` on the control plane; kube-proxy and the sandbox image everywhere).
pub fn preloaded(control_plane: bool, version: &str) -> Vec<String> {
    let mut v = vec![
        format!("registry.k8s.io/kube-proxy:{version}"),
        "registry.k8s.io/pause:3.10".to_string(),
    ];
    if control_plane {
        v.extend([
            format!("registry.k8s.io/kube-apiserver:{version}"),
            format!("registry.k8s.io/kube-controller-manager:{version}"),
            format!("registry.k8s.io/kube-scheduler:{version}"),
            "registry.k8s.io/etcd:3.5.16-0".to_string(),
            "registry.k8s.io/coredns/coredns:v1.11.3".to_string(),
        ]);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_unique_within_a_repository() {
        for repo in REPOS {
            let mut seen = std::collections::BTreeSet::new();
            for build in repo.builds {
                assert!(!build.tags.is_empty(), "{}", repo.name);
                for t in build.tags {
                    assert!(seen.insert(*t), "{}:{t} listed twice", repo.name);
                }
            }
        }
    }
}
