/**
 * Kubernetes name rules (apimachinery validation), checked before anything is sent upstream so
 * that bad input gets a precise 4xx and CCI is never called with it.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

// apimachinery's wording, built from its shared parts.
const ENDS = 'must start and end with an alphanumeric character';
const ALNUM = `consist of alphanumeric characters, '-', '_' or '.', and ${ENDS}`;

export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value)) {
    errs.push(
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and ${ENDS} (e.g. 'my-name', or '123-abc')`,
    );
  }
  return errs;
}

export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and ${ENDS} (e.g. 'example.com')`,
    );
  }
  return errs;
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name a qualified name ≤ 63. */
export function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  let name = key;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix, rest] = parts as [string, string];
    name = rest;
    if (prefix === '') errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((e) => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return [
      `a valid label key must ${ALNUM}, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name === '') errs.push('name part must be non-empty');
  else {
    if (name.length > 63) errs.push('name part must be no more than 63 characters');
    if (!QUALIFIED_NAME.test(name)) {
      errs.push(
        `name part must ${ALNUM} (e.g. 'MyName', or 'my.name', or '123-abc')`,
      );
    }
  }
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) {
    errs.push(
      `a valid label must be an empty string or ${ALNUM} (e.g. 'MyValue', or 'my_value', or '12345')`,
    );
  }
  return errs;
}
