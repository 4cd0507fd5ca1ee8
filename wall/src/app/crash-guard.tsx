/**
 * Last line of defence for an unattended screen: if rendering throws, say so on the wall and reload after a while
 * rather than leave a blank or frozen page until someone notices.
 */
import { Component, type ReactNode } from 'react';
import type { Messages } from '../i18n/messages.js';
import { FullScreenMessage } from '../panels/full-screen-message.js';

const CRASH_RELOAD_MS = 30_000;

interface CrashGuardProps {
  messages: Messages;
  children: ReactNode;
}

export class CrashGuard extends Component<CrashGuardProps, { crashed: boolean }> {
  override state = { crashed: false };

  static getDerivedStateFromError(): { crashed: boolean } {
    return { crashed: true };
  }

  override componentDidCatch(): void {
    setTimeout(() => window.location.reload(), CRASH_RELOAD_MS);
  }

  override render(): ReactNode {
    if (this.state.crashed) {
      return (
        <FullScreenMessage
          testId="crashed"
          title={this.props.messages.crashedTitle}
          body={this.props.messages.crashedBody}
          tone="error"
        />
      );
    }
    return this.props.children;
  }
}
