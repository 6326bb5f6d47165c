/**
 * Kubernetes API server credentials: PEM or base64 of PEM, a bearer token and/or a client
 * certificate, what a 401 detail adds, and fingerprints that hold no secret.
 */
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/core/deadline';
import { kubeAuth, pem } from '../../../lib/credentials/kube';
import { clientCertificate } from '../../../emulator/tls';

const cert = clientCertificate('valid');
const req = { method: 'GET', url: 'https://k8s.example/x', headers: { accept: 'application/json' } };

describe('pem', () => {
  it('takes PEM as it is and base64 of PEM decoded; nothing for unset', () => {
    expect(pem('X', cert.cert)).toBe(cert.cert);
    expect(pem('X', Buffer.from(cert.cert).toString('base64'))).toBe(cert.cert);
    expect(pem('X', undefined)).toBeUndefined();
    expect(pem('X', '')).toBeUndefined();
    expect(pem('X', 42)).toBeUndefined();
  });

  it('anything else is a configuration error naming the variable, not the value', () => {
    const err = (() => {
      try {
        pem('KUBE_CA_CERT', 'not-a-cert-value-123');
      } catch (e) {
        return e as { status: number; code: string; message: string };
      }
      throw new Error('expected an error');
    })();
    expect(err).toMatchObject({ status: 500, code: 'config', message: 'KUBE_CA_CERT is neither PEM nor base64 of PEM' });
  });
});

describe('kubeAuth', () => {
  it('a token is sent as Authorization: Bearer, trimmed; a 401 is final and says the token is not ours to refresh', async () => {
    const a = kubeAuth({ token: ' sa-token\n' });
    expect(a.kind).toBe('bearer-token');
    expect(await a.authorize(req, Deadline.after(100))).toEqual({ accept: 'application/json', authorization: 'Bearer sa-token' });
    expect(a.unauthorized({})).toBe(false);
    expect(a.refused).toMatch(/not ours to refresh/);
    expect(a.fingerprint).not.toContain('sa-token');
  });

  it('a client certificate alone sends no header and presents the certificate on TLS', async () => {
    const a = kubeAuth({ cert: cert.cert, key: cert.key, ca: 'CA', servername: 'kubernetes', server: 'https://10.0.0.1:5443' });
    expect(a.kind).toBe('client-certificate');
    expect(await a.authorize(req, Deadline.after(100))).toEqual({ accept: 'application/json' });
    expect(a.tls).toEqual({ ca: 'CA', cert: cert.cert, key: cert.key, servername: 'kubernetes' });
    expect(a.server).toBe('https://10.0.0.1:5443');
    expect(a.refused).toMatch(/client certificate was refused/);
  });

  it('a token a header cannot carry is a configuration error, not a failure at send time', () => {
    expect(() => kubeAuth({ token: 'two\nlines' })).toThrow(/bytes a header cannot carry/);
  });

  it('fingerprints follow the token and the certificate', () => {
    const other = clientCertificate('expired');
    const prints = [
      kubeAuth({ token: 'a' }),
      kubeAuth({ token: 'b' }),
      kubeAuth({ cert: cert.cert, key: cert.key }),
      kubeAuth({ cert: other.cert, key: other.key }),
      kubeAuth({ token: 'a', cert: cert.cert, key: cert.key }),
    ].map((a) => a.fingerprint);
    expect(new Set(prints).size).toBe(prints.length);
    expect(kubeAuth({ token: 'a' }).fingerprint).toBe(prints[0]);
  });
});
