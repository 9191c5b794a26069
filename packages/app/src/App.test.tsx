import { render, screen, within } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('opens on the sign-in page with guest access', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'AI Platform Portal (test)' },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
          },
          context: 'test',
        },
      ] as any,
    };

    render(App.createRoot());

    // What a signed-out visitor sees: the app's title and the guest sign-in card.
    expect(
      await screen.findByText('AI Platform Portal (test)', undefined, {
        timeout: 20_000,
      }),
    ).toBeInTheDocument();
    const guestCard = (await screen.findByText('Guest')).closest('li')!;
    expect(
      within(guestCard).getByText(/Enter as a Guest User/),
    ).toBeInTheDocument();
    expect(
      within(guestCard).getByRole('button', { name: 'Enter' }),
    ).toBeEnabled();
  }, 60_000); // the first render loads every plugin: slow on a loaded machine
});
