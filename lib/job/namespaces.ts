/** `ALLOWED_NAMESPACES`: comma-separated, `*` for all; unset refuses everything (fail closed). */
import { forbidden } from '../core/errors';
import { splitList } from '../core/config';

export function assertNamespaceAllowed(allowed: string | undefined, namespace: string): void {
  const list = splitList(allowed);
  if (list.includes('*') || list.includes(namespace)) return;
  throw forbidden(
    'namespace-not-allowed',
    list.length === 0
      ? 'ALLOWED_NAMESPACES is not set: this function refuses every namespace until it is configured'
      : `Namespace "${namespace}" is not in ALLOWED_NAMESPACES`,
  );
}
