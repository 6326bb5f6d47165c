/** The command's inputs: flags over variables over defaults, and a named error for each missing or invalid one. */
import { describe, expect, it } from 'vitest';
import { InputError, parseInputs, type DeployInputs } from '../../../scripts/deploy-functiongraph/inputs';

const CREDS = { HUAWEICLOUD_SDK_AK: 'ak', HUAWEICLOUD_SDK_SK: 'sk', HUAWEICLOUD_SDK_PROJECT_ID: 'pid' };

function parsed(argv: string[], env: Record<string, string | undefined> = CREDS): DeployInputs {
  const r = parseInputs(argv, env);
  if (r === 'help') throw new Error('help');
  return r;
}

describe('parseInputs', () => {
  it('defaults: region cn-north-4, its public endpoint, package default, APIG RELEASE environment without auth, not a dry run', () => {
    const i = parsed([]);
    expect(i).toMatchObject({
      region: 'cn-north-4',
      endpoint: 'https://functiongraph.cn-north-4.myhuaweicloud.com',
      dryRun: false,
      packageName: 'default',
      apig: { envId: 'DEFAULT_ENVIRONMENT_RELEASE_ID', envName: 'RELEASE', auth: 'NONE' },
      timerUserEvent: '',
      credentials: { ak: 'ak', sk: 'sk', projectId: 'pid' },
    });
    expect(i.stage).toBeUndefined();
    expect(i.kafka).toBeUndefined();
    expect(i.xrole).toBeUndefined();
  });

  it('flags win over variables; FUNCTIONGRAPH_ENDPOINT overrides the regional endpoint', () => {
    const i = parsed(['--stage', 'prod', '--region', 'ap-southeast-3', '--dry-run', '--xrole', 'flag-agency', '--apig-auth', 'iam'], {
      ...CREDS,
      FUNCTIONGRAPH_XROLE: 'env-agency',
      FUNCTIONGRAPH_APIG_GROUP_ID: 'g',
      FUNCTIONGRAPH_ENDPOINT: 'http://127.0.0.1:9999/',
      HUAWEICLOUD_SDK_SECURITY_TOKEN: 'tok',
    });
    expect(i).toMatchObject({ stage: 'prod', region: 'ap-southeast-3', dryRun: true, xrole: 'flag-agency', endpoint: 'http://127.0.0.1:9999' });
    expect(i.apig).toMatchObject({ groupId: 'g', auth: 'IAM' });
    expect(i.credentials.securityToken).toBe('tok');
    expect(parsed(['--region', 'ap-southeast-3']).endpoint).toBe('https://functiongraph.ap-southeast-3.myhuaweicloud.com');
  });

  it('a Kafka trigger takes instance and topic together (password from the environment only)', () => {
    expect(parsed(['--kafka-instance-id', 'i', '--kafka-topic', 't'], { ...CREDS, FUNCTIONGRAPH_KAFKA_PASSWORD: 'pw' }).kafka).toEqual({ instanceId: 'i', topic: 't', password: 'pw' });
    expect(() => parsed(['--kafka-instance-id', 'i'])).toThrow(/both --kafka-instance-id .* and --kafka-topic/);
  });

  it('names every missing credential at once', () => {
    const e = (() => {
      try {
        parsed([], { HUAWEICLOUD_SDK_SK: 'sk' });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_PROJECT_ID not set/);
  });

  it.each([
    [['--region', 'Frankfurt'], /does not look like a region id/],
    [['--apig-auth', 'basic'], /NONE, IAM or APP/],
    [['--stage', 'a/b'], /letters, digits and hyphens/],
    [['--unknown'], /Unknown option '--unknown'/],
    [['positional'], /positional/i],
  ])('refuses %j', (argv, message) => {
    expect(() => parsed(argv)).toThrow(message);
  });

  it('refuses an endpoint with a path', () => {
    expect(() => parsed([], { ...CREDS, FUNCTIONGRAPH_ENDPOINT: 'https://x/v2' })).toThrow(/must be a base URL/);
  });

  it('--help needs no credentials', () => {
    expect(parseInputs(['--help'], {})).toBe('help');
  });
});
