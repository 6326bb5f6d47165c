/**
 * Huawei SMN (Simple Message Notification) fake: `POST /v2/{project_id}/notifications/topics/{topic_urn}/publish`
 * with `{subject, message, time_to_live}` answers `{request_id, message_id}` as SMN's API reference shows,
 * authenticated like CCI (X-Auth-Token, bearer, AK/SK). Published messages are kept in memory so tests
 * and `npm start` can see what the sweep announced (`smnMessages()`, `GET /_emulator/smn/messages`).
 */
import { randomUUID } from 'node:crypto';
import type { Authenticator } from './auth';
import { HttpError } from './k8s-status';
import { answer, type Exchange, type Service } from './pipeline';

export interface SmnMessage {
  message_id: string;
  request_id: string;
  project_id: string;
  topic_urn: string;
  subject?: string;
  message?: string;
  message_structure?: string;
  message_template_name?: string;
  time_to_live?: string;
  /** ISO time the emulator accepted it. */
  time: string;
  /** How the publisher authenticated (as in the request log). */
  auth: string;
}

const PUBLISH = /^\/v2\/([^/]+)\/notifications\/topics\/([^/]+)\/publish\/?$/;
const TOPIC_URN = /^urn:smn:([^:]+):([^:]+):([A-Za-z0-9][A-Za-z0-9_-]{0,255})$/;
const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_SUBJECT_CHARS = 512;
const MAX_KEPT = 10_000;

const hexId = (): string => randomUUID().replace(/-/g, '');

export function isSmnPath(path: string): boolean {
  return /^\/v2\/[^/]+\/notifications(\/|$)/.test(path);
}

function smnError(status: number, code: string, message: string): HttpError {
  return new HttpError(status, JSON.stringify({ request_id: hexId(), code, message }));
}

function gatewayError(status: number, code: string, msg: string): HttpError {
  return new HttpError(status, JSON.stringify({ error_msg: msg, error_code: code, request_id: hexId() }));
}

export class SmnTopics {
  private readonly messages: SmnMessage[] = [];

  /** `topics`: the topic URNs that exist; undefined = every well-formed URN of the path's project. */
  constructor(private readonly topics: ReadonlySet<string> | undefined) {}

  publish(projectId: string, topicUrn: string, raw: string, auth: string): SmnMessage {
    const m = TOPIC_URN.exec(topicUrn);
    if (!m) throw smnError(400, 'SMN.0005', 'Parameter: TopicUrn is invalid.');
    if (m[2] !== projectId || (this.topics && !this.topics.has(topicUrn))) throw smnError(404, 'SMN.0006', 'Topic not found.');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw smnError(400, 'SMN.0007', 'The request body is not valid JSON.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw smnError(400, 'SMN.0007', 'The request body is not valid JSON.');
    const b = body as Record<string, unknown>;
    const str = (k: string): string | undefined => {
      const v = b[k];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') throw smnError(400, 'SMN.0007', `Parameter: ${k} is invalid.`);
      return v;
    };
    const subject = str('subject');
    const message = str('message');
    const structure = str('message_structure');
    const template = str('message_template_name');
    const ttl = str('time_to_live');
    if (!message && !structure && !template) throw smnError(400, 'SMN.0007', 'Parameter: message is invalid.');
    if (message !== undefined && Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) throw smnError(400, 'SMN.0007', 'Parameter: message is invalid.');
    if (subject !== undefined && [...subject].length > MAX_SUBJECT_CHARS) throw smnError(400, 'SMN.0007', 'Parameter: subject is invalid.');
    if (ttl !== undefined && (!/^[1-9]\d*$/.test(ttl) || Number(ttl) > 604_800)) throw smnError(400, 'SMN.0007', 'Parameter: time_to_live is invalid.');
    const record: SmnMessage = { message_id: hexId(), request_id: hexId(), project_id: projectId, topic_urn: topicUrn, time: new Date().toISOString(), auth };
    if (subject !== undefined) record.subject = subject;
    if (message !== undefined) record.message = message;
    if (structure !== undefined) record.message_structure = structure;
    if (template !== undefined) record.message_template_name = template;
    if (ttl !== undefined) record.time_to_live = ttl;
    if (this.messages.length >= MAX_KEPT) this.messages.splice(0, MAX_KEPT / 2);
    this.messages.push(record);
    return record;
  }

  list(): SmnMessage[] {
    return this.messages.map((m) => ({ ...m }));
  }

  clear(): void {
    this.messages.length = 0;
  }
}

export interface SmnDeps {
  topics: SmnTopics;
  auth: Authenticator;
  count(): void;
  logEnabled: boolean;
}

export function smnService(deps: SmnDeps): Service {
  return {
    name: 'smn',
    owns: isSmnPath,
    logsBodies: true,
    count(method, path) {
      if (method === 'POST' && PUBLISH.test(path)) deps.count();
    },
    handle(ex: Exchange) {
      try {
        deps.auth.authenticate(ex.req, ex.rawUrl, ex.body, ex.rec);
      } catch (e) {
        // SMN sits behind the API gateway: a refused credential is the gateway's JSON, not a Kubernetes Status.
        if (e instanceof HttpError && e.body.includes('"kind":"Status"')) {
          throw gatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: the token is missing or not valid');
        }
        throw e;
      }
      const m = PUBLISH.exec(ex.path);
      if (!m) throw gatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment.');
      if (ex.method !== 'POST') throw gatewayError(405, 'APIGW.0101', 'The API does not exist or has not been published in the environment.');
      let topic: string;
      try {
        topic = decodeURIComponent(m[2]!);
      } catch {
        throw smnError(400, 'SMN.0005', 'Parameter: TopicUrn is invalid.');
      }
      const msg = deps.topics.publish(m[1]!, topic, ex.body.toString('utf8'), ex.rec.auth ?? 'none');
      if (deps.logEnabled) {
        process.stderr.write(`[emulator] smn publish ${topic}${msg.subject ? ` "${msg.subject}"` : ''}: ${msg.message ?? msg.message_structure ?? msg.message_template_name}\n`);
      }
      answer(ex, 200, 'application/json;charset=UTF-8', JSON.stringify({ request_id: msg.request_id, message_id: msg.message_id }));
    },
  };
}
