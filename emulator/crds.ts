/**
 * The custom resources the emulator serves, as Volcano's CRDs declare them
 * (volcano-sh/volcano config/crd/volcano/bases/batch.volcano.sh_jobs.yaml and
 * scheduling.volcano.sh_podgroups.yaml): names, short names, scope, subresources and printer
 * columns. Discovery and Table output are derived from these, so kubectl sees what it would see
 * on a cluster with Volcano installed.
 */

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** A simple JSONPath (`.a.b.c`), as CRDs allow. */
  jsonPath: string;
  priority?: number;
  description?: string;
}

export interface CrdDefinition {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  namespaced: boolean;
  /** Whether the CRD declares `subresources.status`. */
  statusSubresource: boolean;
  printerColumns: PrinterColumn[];
}

export const JOBS_CRD: CrdDefinition = {
  group: 'batch.volcano.sh',
  version: 'v1alpha1',
  plural: 'jobs',
  singular: 'job',
  kind: 'Job',
  listKind: 'JobList',
  shortNames: ['vcjob', 'vj'],
  namespaced: true,
  statusSubresource: true,
  printerColumns: [
    { name: 'STATUS', type: 'string', jsonPath: '.status.state.phase' },
    { name: 'minAvailable', type: 'integer', jsonPath: '.status.minAvailable' },
    { name: 'RUNNINGS', type: 'integer', jsonPath: '.status.running' },
    { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'QUEUE', type: 'string', jsonPath: '.spec.queue', priority: 1 },
  ],
};

export const PODGROUPS_CRD: CrdDefinition = {
  group: 'scheduling.volcano.sh',
  version: 'v1beta1',
  plural: 'podgroups',
  singular: 'podgroup',
  kind: 'PodGroup',
  listKind: 'PodGroupList',
  shortNames: ['pg', 'podgroup-v1beta1'],
  namespaced: true,
  statusSubresource: false,
  printerColumns: [
    { name: 'STATUS', type: 'string', jsonPath: '.status.phase' },
    { name: 'minMember', type: 'integer', jsonPath: '.spec.minMember' },
    { name: 'RUNNINGS', type: 'integer', jsonPath: '.status.running' },
    { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'QUEUE', type: 'string', jsonPath: '.spec.queue', priority: 1 },
  ],
};

export const SERVED_CRDS: readonly CrdDefinition[] = [JOBS_CRD, PODGROUPS_CRD];

export function groupVersion(crd: CrdDefinition): string {
  return `${crd.group}/${crd.version}`;
}
