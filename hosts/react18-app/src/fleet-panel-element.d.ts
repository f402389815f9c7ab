// JSX knows HTML's tags only: declare the custom element's attributes.
import 'react';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'fleet-panel': React.DetailedHTMLProps<React.HTMLAttributes<HTMLElement>, HTMLElement> & {
        endpoint?: string;
        view?: '2d' | '3d';
        mock?: string;
        'poll-interval'?: string;
      };
    }
  }
}
