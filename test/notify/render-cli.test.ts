import { describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/main.ts';
import { runCli } from '../fixtures/cli.ts';
import { chatbotSchema } from './chatbot-schema.ts';

describe('arch-auditor render', () => {
  it('prints the chat message of the demo account as Slack shows it, not as JSON', async () => {
    const { code, out, err } = await runCli('render', '--demo', '--format', 'slack');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const [title, ...rest] = out.split('\n');
    expect(title).toMatch(
      /^\*🔴 \[arch-auditor\] 新しい検出 \d+ 件（緊急 \d+・高 \d+・中 \d+）— 210987654321 ap-northeast-1・グローバル\*$/,
    );
    expect(rest.join('\n')).toContain('*🔴 緊急*');
    expect(out).not.toMatch(/^\{/m);
    expect(out).not.toContain('\\n');
  });

  it('prints the Chatbot payload of the demo account as valid custom-notification JSON', async () => {
    // Act
    const { code, out, err } = await runCli('render', '--demo', '--format', 'chatbot-json');
    // Assess
    expect({ code, err }).toEqual({ code: 0, err: '' });
    // One pretty-printed object per message, separated by a blank line (JSON never has one inside).
    const payloads = out
      .trim()
      .split(/\n\n(?=\{)/)
      .map((block) => chatbotSchema.parse(JSON.parse(block)));
    expect(payloads).toHaveLength(1);
    const [payload] = payloads;
    expect(payload?.content.title).toMatch(
      /^🔴 \[arch-auditor\] 新しい検出 \d+ 件（緊急 \d+・高 \d+・中 \d+）— 210987654321 ap-northeast-1・グローバル$/,
    );
    expect(payload?.content.description).toContain('*🔴 緊急*');
    expect(payload?.content.description).toContain('prod-alb-debug');
    expect(payload?.metadata?.additionalContext).toMatchObject({ account: '210987654321', complete: 'true' });
  });

  it('prints the email subject in ASCII and the body in Japanese', async () => {
    // Act
    const { code, out, err } = await runCli('render', '--demo', '--format', 'email');
    // Assess
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const [subjectLine = '', blank, title, ...body] = out.split('\n');
    expect(subjectLine).toMatch(
      /^Subject: arch-auditor: \d+ new \(critical \d+, high \d+, medium \d+\) \| account 210987654321 \| ap-northeast-1, global$/,
    );
    expect(subjectLine).toMatch(/^[\x20-\x7e]+$/);
    expect(blank).toBe('');
    expect(title).toMatch(
      /^🔴 \[arch-auditor\] 新しい検出 \d+ 件（緊急 \d+・高 \d+・中 \d+）— 210987654321 ap-northeast-1・グローバル$/,
    );
    const text = body.join('\n');
    for (const expected of [
      'アカウント: 210987654321',
      '🔴 緊急 4 件',
      '■ [新規] ロードバランサーがインターネット向け（internet-facing）になっています',
      'リソース: prod-alb-debug (app/prod-alb-debug/9a8b7c6d5e4f3a2b)',
      '期待する状態: internal',
      '現在の状態: internet-facing',
      'コンソール: https://ap-northeast-1.console.aws.amazon.com/',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text.indexOf('🔴 緊急')).toBeLessThan(text.indexOf('🟠 高'));
  });

  it('rejects a format it does not know as a usage error', async () => {
    const { code } = await runCli('render', '--demo', '--format', 'teams');
    expect(code).toBe(EXIT.usage);
  });
});
