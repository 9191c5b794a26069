import path from 'node:path';
import {
  displayGitopsRepository,
  isRemoteGitopsRepository,
} from './GitopsRepositoryReader';

describe('displayGitopsRepository', () => {
  it('removes credentials from URLs', () => {
    expect(
      displayGitopsRepository(
        'https://x-access-token:s3cret@git.example.com/platform/gitops.git',
      ),
    ).toBe('https://git.example.com/platform/gitops.git');
    expect(
      displayGitopsRepository('https://s3cret@git.example.com/g.git'),
    ).toBe('https://git.example.com/g.git');
  });

  it('keeps scp-style remotes and resolves local paths', () => {
    expect(displayGitopsRepository('git@github.com:acme/gitops.git')).toBe(
      'git@github.com:acme/gitops.git',
    );
    expect(displayGitopsRepository('.data/gitops.git')).toBe(
      path.resolve('.data/gitops.git'),
    );
  });
});

describe('isRemoteGitopsRepository', () => {
  it('tells remotes from local paths', () => {
    expect(isRemoteGitopsRepository('https://git.example.com/g.git')).toBe(
      true,
    );
    expect(isRemoteGitopsRepository('file:///srv/gitops.git')).toBe(true);
    expect(isRemoteGitopsRepository('git@github.com:acme/gitops.git')).toBe(
      true,
    );
    expect(isRemoteGitopsRepository('/work/main/.data/gitops.git')).toBe(false);
    expect(isRemoteGitopsRepository('../../.data/gitops.git')).toBe(false);
  });
});
