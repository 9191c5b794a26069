import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy*/waitFor give up after 1 s by default; a whole-app render on a loaded
// 2-core CI machine can take longer than that, while the behaviour is the same.
configure({ asyncUtilTimeout: 10_000 });
