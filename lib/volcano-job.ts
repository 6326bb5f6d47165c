/**
 * The parts of a Volcano Job (batch.volcano.sh/v1alpha1) this project reads. Schemas are loose:
 * every other field is kept as CCI returns it. Phases are an open set (CCI still reports the
 * old `Inqueue`), and `succeeded` may be spelled `Succeeded` by older Volcano versions.
 */
import * as z from 'zod/mini';

const StringMap = z.record(z.string(), z.string());

export const TaskSchema = z.looseObject({
  name: z.string(),
  replicas: z.optional(z.number()),
  minAvailable: z.optional(z.number()),
});

export const JobSchema = z.looseObject({
  apiVersion: z.optional(z.string()),
  kind: z.optional(z.string()),
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.optional(z.string()),
    uid: z.optional(z.string()),
    resourceVersion: z.optional(z.string()),
    generation: z.optional(z.number()),
    creationTimestamp: z.optional(z.string()),
    labels: z.optional(StringMap),
    annotations: z.optional(StringMap),
  }),
  spec: z.optional(
    z.looseObject({
      minAvailable: z.optional(z.number()),
      queue: z.optional(z.string()),
      tasks: z.optional(z.array(TaskSchema)),
    }),
  ),
  status: z.optional(
    z.looseObject({
      state: z.optional(
        z.looseObject({
          phase: z.optional(z.string()),
          lastTransitionTime: z.optional(z.string()),
        }),
      ),
      minAvailable: z.optional(z.number()),
      pending: z.optional(z.number()),
      running: z.optional(z.number()),
      succeeded: z.optional(z.number()),
      Succeeded: z.optional(z.number()),
      failed: z.optional(z.number()),
    }),
  ),
});

export type VolcanoJob = z.infer<typeof JobSchema>;
export type VolcanoTask = z.infer<typeof TaskSchema>;

export const JobListSchema = z.looseObject({
  items: z.array(JobSchema),
  metadata: z.optional(z.looseObject({ continue: z.optional(z.string()), resourceVersion: z.optional(z.string()) })),
});
export type VolcanoJobList = z.infer<typeof JobListSchema>;

/** `Job` objects only: a Status, a JobList or an HTML page from a proxy is not a Job. */
export function parseJob(value: unknown): VolcanoJob | undefined {
  const r = JobSchema.safeParse(value);
  if (!r.success) return undefined;
  if (r.data.kind !== undefined && r.data.kind !== 'Job') return undefined;
  return r.data;
}

export function jobPhase(job: VolcanoJob): string | undefined {
  return job.status?.state?.phase;
}

export interface JobSummary {
  namespace: string | undefined;
  name: string;
  uid: string | undefined;
  resourceVersion: string | undefined;
  phase: string | undefined;
  minAvailable: number | undefined;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  tasks: Array<{ name: string; replicas: number }>;
  labels: Record<string, string>;
  queue: string | undefined;
}

export function summarizeJob(job: VolcanoJob): JobSummary {
  const s = job.status;
  return {
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    resourceVersion: job.metadata.resourceVersion,
    phase: jobPhase(job),
    minAvailable: job.spec?.minAvailable,
    pending: s?.pending ?? 0,
    running: s?.running ?? 0,
    succeeded: s?.succeeded ?? s?.Succeeded ?? 0,
    failed: s?.failed ?? 0,
    tasks: (job.spec?.tasks ?? []).map((t) => ({ name: t.name, replicas: t.replicas ?? 0 })),
    labels: job.metadata.labels ?? {},
    queue: job.spec?.queue,
  };
}
