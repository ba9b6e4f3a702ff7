import { Type, type Static, type TString } from '@sinclair/typebox';
import { Criticality, SbomFormat, Severity } from './enums';
import { Model, ModelRef } from './kinds';

/*
 * Response models of what is inside an image (issue 17): SBOMs, the
 * packages read from them, and the known vulnerabilities of those packages,
 * HCP Packer 2023-01-01's shapes. Part of the models of models.ts (which
 * re-exports them and lists them in RESPONSE_MODELS).
 */

const str = Type.String;
const dateTime = (): TString => Type.String({ format: 'date-time' });
const opt = Type.Optional;

/** A software bill of materials stored with a build (its document is fetched by GetSbom's URL). */
export const Sbom = Model(
  { id: str(), name: str(), format: SbomFormat },
  {
    $id: 'Sbom',
    description: 'An SBOM of a build: CycloneDX or SPDX JSON, stored zstd-compressed.',
  },
);
export type Sbom = Static<typeof Sbom>;

/**
 * A known vulnerability of a package (HCP: Vulnerability), from the OSV data
 * the operator imported (`imprint-registry vulns import`). `identifier` is the
 * OSV id; `refers_to` its aliases (e.g. the CVE a GHSA or DSA is about).
 */
export const Vulnerability = Model(
  {
    identifier: str({ description: 'the OSV id, e.g. GHSA-…, CVE-…, DSA-…, GO-…' }),
    criticality: Criticality,
    severity: Severity,
    score: opt(Type.Number({ description: 'Imprint extension: the CVSS base score used, 0-10' })),
    description: str({ description: "the record's summary, or the start of its details" }),
    fixed_version: str({ description: 'the first version that fixes it, "" when none is known' }),
    refers_to: str({ description: 'comma-separated aliases' }),
    related: str({ description: 'comma-separated related identifiers' }),
    published_at: opt(dateTime()),
    first_seen_at: dateTime(),
    withdrawn_at: opt(dateTime()),
    resolved_at: opt(dateTime()),
  },
  { $id: 'Vulnerability', description: 'A known vulnerability of a package.' },
);
export type Vulnerability = Static<typeof Vulnerability>;

/** The vulnerabilities of one package and when it was last matched against the data (HCP: VulnerabilityDetails). */
export const VulnerabilityDetails = Model(
  {
    last_scanned_at: dateTime(),
    vulnerabilities: Type.Array(ModelRef(Vulnerability)),
  },
  {
    $id: 'VulnerabilityDetails',
    description:
      'When the package was last matched against the imported vulnerability data, and what matched.',
  },
);
export type VulnerabilityDetails = Static<typeof VulnerabilityDetails>;

/**
 * A package named by SBOMs (HCP: Package): one per name, version and purl,
 * with every SBOM in scope that names it. The build and channel fields are
 * filled by ListBucketPackagesWithVulnerabilities only (one entry per package,
 * build and channel there). `vuln_details` holds one entry once the package has
 * been matched against imported vulnerability data, none before.
 */
export const Package = Model(
  {
    name: str(),
    version: str(),
    purl: str(),
    build_id: opt(str()),
    build_name: opt(str()),
    channel_id: opt(str()),
    channel_name: opt(str()),
    sboms: Type.Array(ModelRef(Sbom)),
    vuln_details: Type.Array(ModelRef(VulnerabilityDetails)),
  },
  { $id: 'Package', description: 'A package the SBOMs of a build or bucket name.' },
);
export type Package = Static<typeof Package>;

const idAndName = { id: str(), name: str() };
/** A build that contains a vulnerable package; `name` is its component type. */
export const ImpactedBuild = Model(idAndName, { $id: 'ImpactedBuild' });
/** A channel that points at a version with a vulnerable package. */
export const ImpactedChannel = Model(idAndName, { $id: 'ImpactedChannel' });
/** A package a vulnerability affects. */
export const ImpactedPackage = Model(
  { name: str(), version: str(), purl: str() },
  { $id: 'ImpactedPackage' },
);

/** A vulnerability and the packages, builds and channels it touches (HCP: VulnerabilityWithImpacts). */
export const VulnerabilityWithImpacts = Model(
  {
    vulnerability: ModelRef(Vulnerability),
    impacted_packages: Type.Array(ModelRef(ImpactedPackage)),
    impacted_builds: Type.Array(ModelRef(ImpactedBuild)),
    impacted_channels: Type.Array(ModelRef(ImpactedChannel)),
  },
  { $id: 'VulnerabilityWithImpacts', description: 'A vulnerability and what it touches.' },
);
export type VulnerabilityWithImpacts = Static<typeof VulnerabilityWithImpacts>;

/** int64 counts are JSON strings in the HCP API. */
const count = () => str({ pattern: '^[0-9]+$', description: 'a count (int64, as a string)' });

/** Vulnerabilities of one criticality across the bucket (HCP: CriticalityCount). */
export const CriticalityCount = Model(
  {
    criticality: Criticality,
    vulnerability_count: count(),
    first_seen_at: str({ description: 'when the oldest of them was first seen (RFC 3339)' }),
    average_age_days_for_criticality: Type.Number({
      description: 'mean days since each was first seen',
    }),
  },
  { $id: 'CriticalityCount' },
);
/** Vulnerabilities of one criticality on one channel. */
export const ChannelVulnerabilityCount = Model(
  {
    channel_id: str(),
    channel_name: str(),
    criticality: Criticality,
    vulnerability_count: count(),
  },
  { $id: 'ChannelVulnerabilityCount' },
);
/** Vulnerabilities of one criticality in one package. */
export const PackageVulnerabilityCount = Model(
  {
    package_name: str(),
    package_version: str(),
    package_purl: str(),
    criticality: Criticality,
    vulnerability_count: count(),
  },
  { $id: 'PackageVulnerabilityCount' },
);

/** One hit of the package search: a package in one SBOM of one build (Imprint extension). */
export const PackageSearchHit = Model(
  {
    bucket_name: str(),
    version_id: str(),
    version_fingerprint: str(),
    version_name: str(),
    build_id: str(),
    component_type: str(),
    name: str(),
    version: str(),
    purl: str(),
    type: str({ description: 'CycloneDX component type or SPDX primaryPackagePurpose' }),
    licenses: Type.Array(str()),
    sbom: ModelRef(Sbom),
    created_at: dateTime(),
  },
  { $id: 'PackageSearchHit', description: 'A version that contains a package, and where.' },
);
export type PackageSearchHit = Static<typeof PackageSearchHit>;
