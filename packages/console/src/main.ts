import './styles.css';
import './vulnerabilities.css';
import { ConsoleApp } from './app';

const root = document.getElementById('app');
if (root) void new ConsoleApp(root).start();
