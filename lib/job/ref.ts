/**
 * Which job a request addresses: namespace (DNS-1123 label) and name (DNS-1123 subdomain).
 * The HTTP path checks its path parameters with these rules and the queue path checks the
 * message's `namespace`/`name` fields with them, so CCI is never called with a name it would
 * refuse (or, worse, with a name that escapes its URL segment).
 */
import { badRequest, type FieldIssue } from '../core/errors';
import { dns1123LabelErrors, dns1123SubdomainErrors } from './names';

export interface JobRefPaths {
  namespace: string;
  name: string;
}

export function jobRefIssues(namespace: string | undefined, name: string | undefined, paths: JobRefPaths): FieldIssue[] {
  const errors: FieldIssue[] = [];
  if (namespace === undefined) errors.push({ path: paths.namespace, message: 'is missing' });
  else for (const m of dns1123LabelErrors(namespace)) errors.push({ path: paths.namespace, message: m });
  if (name === undefined) errors.push({ path: paths.name, message: 'is missing' });
  else for (const m of dns1123SubdomainErrors(name)) errors.push({ path: paths.name, message: m });
  return errors;
}

/** Throws 400 `code` when the namespace or name is not a valid Kubernetes name. */
export function assertValidJobRef(namespace: string | undefined, name: string | undefined, paths: JobRefPaths, code: string, detail: string): void {
  const errors = jobRefIssues(namespace, name, paths);
  if (errors.length > 0) throw badRequest(code, detail, errors);
}

/** Throws 400 `code` when the namespace is not a valid Kubernetes namespace name (collection routes). */
export function assertValidNamespace(namespace: string | undefined, path: string, code: string, detail: string): void {
  const errors: FieldIssue[] = [];
  if (namespace === undefined) errors.push({ path, message: 'is missing' });
  else for (const m of dns1123LabelErrors(namespace)) errors.push({ path, message: m });
  if (errors.length > 0) throw badRequest(code, detail, errors);
}
